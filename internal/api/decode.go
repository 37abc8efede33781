package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/registre/registre/internal/errs"
)

// maxBodyBytes caps request bodies. A person with every field at its limit
// takes a few tens of kilobytes; anything near a mebibyte is a mistake or
// an attack.
const maxBodyBytes = 1 << 20

// readBody reads the whole request body, refusing more than maxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errs.Errorf(errs.TooLarge, "The request body is larger than 1 MiB.")
	}
	if err != nil {
		return nil, malformed("body could not be read")
	}
	return body, nil
}

// readJSON reads the body and decodes it into dst, a pointer to a struct. It
// returns the body too, so that PATCH handlers can see which fields it has.
func readJSON(w http.ResponseWriter, r *http.Request, dst any) ([]byte, error) {
	body, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return body, decodeJSON(body, dst)
}

// decodeJSON decodes body, which must hold exactly one JSON object, into
// dst. Field names are matched exactly: encoding/json would accept
// "First_Name" for first_name, and a PATCH must know which fields it got.
// Errors are 400s that say what is wrong and where.
func decodeJSON(body []byte, dst any) error {
	t := reflect.TypeOf(dst).Elem()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	var generic any
	if err == nil || strings.HasPrefix(err.Error(), "json: unknown field ") {
		if uerr := json.Unmarshal(body, &generic); uerr == nil {
			if path := unknownField(generic, t, ""); path != "" {
				return malformedField("field", clip(path), "is not a known field (names are case-sensitive)")
			}
		}
	}
	if err != nil {
		return decodeError(err, body, t)
	}
	rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")
	if len(rest) > 0 {
		return malformed("body is not valid JSON: unexpected data after the object at offset %d", len(body)-len(rest))
	}
	if _, isObject := generic.(map[string]any); !isObject {
		return malformed("body must be a JSON object")
	}
	return nil
}

func decodeError(err error, body []byte, t reflect.Type) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return malformed("body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("body is not valid JSON: unexpected end at offset %d", len(body))
	case errors.As(err, &syntax):
		return malformed("body is not valid JSON: %s at offset %d", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return malformed("body must be a JSON object")
	case errors.As(err, &typ):
		want := jsonKind(fieldType(t, typ.Field))
		got, _, _ := strings.Cut(typ.Value, " ")
		if want != "a whole number" || got != "number" { // a fraction is a number too
			want += ", not " + got
		}
		return malformedField("field", typ.Field, "must be "+want)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// Only when unknownField could not name the path (the body has
		// trailing data): encoding/json names the member alone.
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return malformedField("field", clip(name), "is not a known field")
	}
	return malformed("body is not valid JSON")
}

// unknownField returns the path of the first field of v (decoded JSON) that
// type t does not have, comparing names exactly, or "". Members of objects
// in arrays are named with their index: changes[1].purpose.
func unknownField(v any, t reflect.Type, prefix string) string {
	if arr, ok := v.([]any); ok && t.Kind() == reflect.Slice {
		for i, x := range arr {
			if p := unknownField(x, t.Elem(), strings.TrimSuffix(prefix, ".")+"["+strconv.Itoa(i)+"]."); p != "" {
				return p
			}
		}
		return ""
	}
	obj, ok := v.(map[string]any)
	if !ok || t.Kind() != reflect.Struct {
		return ""
	}
	fields := jsonFields(t)
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		ft, known := fields[k]
		if !known {
			return prefix + k
		}
		if p := unknownField(obj[k], ft, prefix+k+"."); p != "" {
			return p
		}
	}
	return ""
}

// jsonFields maps the JSON names of struct type t to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

// fieldType returns the type of the field at a dotted path of t, or nil.
// Paths go through arrays without an index, as encoding/json reports them.
func fieldType(t reflect.Type, path string) reflect.Type {
	for name := range strings.SplitSeq(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		if t = jsonFields(t)[name]; t == nil {
			return nil
		}
	}
	return t
}

// jsonKind describes the JSON a Go type accepts, for error messages.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "of another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "an array of strings"
		}
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "of another type"
}

// clip shortens a client-supplied name echoed in an error message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:57]) + "..."
	}
	return strings.ToValidUTF8(s, "?")
}
