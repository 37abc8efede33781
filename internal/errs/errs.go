// Package errs defines the error type shared by every Registre domain package.
//
// A domain error carries a code that the edges (web UI, JSON API, CLI) map to
// a status, a message that is safe to show to the person who caused it, and,
// for validation failures, the message for each offending field. Internal
// errors keep their cause for the logs and show only a generic message.
package errs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an error for the edges.
type Code string

// The codes, after benbjohnson/wtf: few, and each mapped to one HTTP status.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorised Code = "unauthorised"
	Forbidden    Code = "forbidden"
	TooMany      Code = "rate_limited"
	TooLarge     Code = "too_large"
	Internal     Code = "internal"
)

// Error is a domain error. Message and Fields never hold personal data of
// anyone but the caller's own input, and never internal details.
type Error struct {
	Code    Code
	Message string
	// Fields maps a field name to what is wrong with it.
	Fields map[string]string
	// Related optionally holds the public id of an object the error is about
	// (for example the existing person a duplicate email belongs to), so the
	// UI can link to it and the API can return it.
	Related string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err: the code of the first *Error in its chain,
// or Internal when there is none (and "" for a nil error).
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Validation collects field errors; its Err method returns nil when there
// are none, so a validator reads top to bottom without early returns.
type Validation struct {
	fields map[string]string
}

// Add records a problem with field unless one is already recorded: the first
// problem found is usually the one to fix first.
func (v *Validation) Add(field, message string) {
	if v.fields == nil {
		v.fields = make(map[string]string)
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = message
	}
}

// Has reports whether field already has a problem.
func (v *Validation) Has(field string) bool {
	_, ok := v.fields[field]
	return ok
}

// Err returns an Invalid *Error listing every field problem, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Some fields are not valid.", Fields: v.fields}
}
