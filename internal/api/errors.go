package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"

	"github.com/registre/registre/internal/errs"
)

// statusOf is the HTTP status of each error code. Invalid is 422: the
// request was well-formed JSON that breaks a rule; malformed requests are
// wrapped by withStatus to answer 400.
var statusOf = map[errs.Code]int{
	errs.Invalid:      http.StatusUnprocessableEntity,
	errs.NotFound:     http.StatusNotFound,
	errs.Conflict:     http.StatusConflict,
	errs.Unauthorised: http.StatusUnauthorized,
	errs.Forbidden:    http.StatusForbidden,
	errs.TooMany:      http.StatusTooManyRequests,
	errs.TooLarge:     http.StatusRequestEntityTooLarge,
	errs.Internal:     http.StatusInternalServerError,
}

// apiFieldNames renames the field names the crm package reports for
// addresses (flat, as in the staff forms) to their paths in API documents.
var apiFieldNames = map[string]string{
	"address_line1": "address.line1",
	"address_line2": "address.line2",
	"postal_code":   "address.postal_code",
	"city":          "address.city",
	"region":        "address.region",
	"country":       "address.country",
}

// errorDocument is the body of every error response.
type errorDocument struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code      errs.Code         `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RelatedID string            `json:"related_id,omitempty"`
	RequestID string            `json:"request_id"`
}

// statusError gives a domain error a status other than its code's: 400 for
// a malformed body, 405 for a wrong method.
type statusError struct {
	status int
	err    *errs.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func withStatus(status int, err *errs.Error) error { return &statusError{status: status, err: err} }

// malformed returns a 400 error about the request's syntax.
func malformed(format string, args ...any) error {
	return withStatus(http.StatusBadRequest, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf(format, args...)})
}

// malformedField returns a 400 error about one field or parameter: what
// names it ("field", "parameter"), its name and the problem.
func malformedField(what, name, problem string) error {
	return withStatus(http.StatusBadRequest, &errs.Error{Code: errs.Invalid, Message: what + " " + name + " " + problem,
		Fields: map[string]string{name: problem}})
}

// invalid returns a 422 error naming one field.
func invalid(field, problem string) error {
	return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{field: problem}}
}

// writeError answers with the error document for err. Internal errors are
// logged with the request id and answered with a generic message: their
// text may name tables or values the client has no business seeing.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, requestID string, err error) {
	e, ok := errs.As(err)
	if !ok {
		e = &errs.Error{Code: errs.Internal}
	}
	status, known := statusOf[e.Code]
	if !known {
		status = http.StatusInternalServerError
	}
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	}
	body := errorJSON{Code: e.Code, Message: e.Message, RelatedID: e.Related, RequestID: requestID}
	if len(e.Fields) > 0 {
		body.Fields = maps.Clone(e.Fields)
		for from, to := range apiFieldNames {
			if v, ok := body.Fields[from]; ok {
				delete(body.Fields, from)
				body.Fields[to] = v
			}
		}
	}
	if status >= 500 {
		// The error chain holds SQL or driver messages, never request
		// bodies; the request's path is left out as it carries ids only
		// through the route pattern.
		a.logger().Error("api internal error", "request_id", requestID, "route", r.Pattern, "error", err.Error())
		body = errorJSON{Code: errs.Internal, Message: "Internal error", RequestID: requestID}
	}
	if status == http.StatusUnauthorized {
		challenge := `Bearer realm="registre"`
		if r.Header.Get("Authorization") != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	writeJSON(w, status, errorDocument{Error: body})
}

// writeJSON writes v as the response body with the API's content headers.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming error (an unsupported type) gets here.
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"Internal error","request_id":""}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
