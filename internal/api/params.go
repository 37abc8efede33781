package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/errs"
)

// Page sizes of the lists.
const (
	defaultLimit         = 50
	maxLimit             = 200
	defaultActivityLimit = 100
	maxActivityLimit     = 500
	maxQueryLength       = 200
)

// queryParams returns the URL's query parameters, refusing any not in
// allowed: a misspelt filter would otherwise be ignored silently and the
// client would get everything.
func queryParams(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, malformed("query string is not valid: %v", err)
	}
	for k := range q {
		if !slices.Contains(allowed, k) {
			return nil, malformedField("parameter", clip(k), "is not a known parameter")
		}
	}
	return q, nil
}

// queryLimit reads the limit parameter; nil means the default.
func queryLimit(q url.Values) (*int, error) {
	s := q.Get("limit")
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, invalid("limit", "must be a whole number")
	}
	return &n, nil
}

// checkLimit validates an optional page size against its bounds.
func checkLimit(v *errs.Validation, limit *int, def, max int) int {
	if limit == nil {
		return def
	}
	if *limit < 1 || *limit > max {
		v.Add("limit", "must be between 1 and "+strconv.Itoa(max))
	}
	return *limit
}

// parseID returns a public id in the canonical form it is stored in, and
// false when s is not a UUID. Checking ids up front keeps arbitrary bytes
// (NUL among them, which PostgreSQL refuses in text) out of queries.
func parseID(s string) (string, bool) {
	u, err := uuid.Parse(s)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// checkQuery validates a free-text search.
func checkQuery(v *errs.Validation, q string) string {
	q = strings.TrimSpace(q)
	switch {
	case utf8.RuneCountInString(q) > maxQueryLength:
		v.Add("query", "is too long (at most 200 characters)")
	case strings.ContainsFunc(q, unicode.IsControl):
		v.Add("query", "contains control characters")
	}
	return q
}

// parseTime reads an optional RFC 3339 time; "" is the zero time.
func parseTime(v *errs.Validation, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		v.Add(field, "must be an RFC 3339 time such as 2026-01-31T09:30:00Z")
	}
	return t.UTC()
}

// timestamp writes a time as RFC 3339 in UTC, to the second, and the zero
// time as null.
type timestamp time.Time

// MarshalJSON implements json.Marshaler.
func (t timestamp) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format(time.RFC3339) + `"`), nil
}

// nullable returns nil for "", so that absent references read null.
func nullable(s string) *string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return &s
}

// readOnly is the type of the fields a body may repeat from a response
// (id, created_at…): they are accepted, so that a document read with GET
// can be sent back with PUT, and ignored.
type readOnly = json.RawMessage

// presentFields returns the top-level members of a JSON object that
// decodeJSON has already checked, so that PATCH applies only those.
func presentFields(body []byte) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(body, &m)
	return m
}

// isNull reports whether a raw member is the JSON null.
func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// writeNoContent answers 204 for a deletion.
func writeNoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}
