package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Body size limits for DecodeJSON, by request. A server passes the one for
// its endpoint; an envelope adds at most EnvelopeOverhead to its body.
const (
	MaxRequestSize   = 1 << 20  // most requests: register, work, commit, refusal, operator calls
	MaxJobSpecSize   = 16 << 20 // a job spec: up to MaxURLs URLs of ~100 bytes
	MaxRevealSize    = 8 << 20  // a reveal: up to MaxTaskRows row hashes of 67 bytes in JSON
	MaxResponseSize  = 64 << 20 // what a client reads of a response (a work response with many leases)
	EnvelopeOverhead = 4096     // what an envelope adds to its body
)

// DecodeJSON reads one JSON object of at most max bytes from r into v,
// strictly, then returns v.Validate(). Strictly means: a key v does not have
// is an error (ErrUnknownField), so is anything but white space after the
// object (ErrTrailingData) and a body past max bytes (ErrTooLarge). A value
// of the wrong type, or a Hash or Signature that will not parse, is a
// *FieldError naming its JSON path with array indices
// ("reveal.row_hashes[3]"). Every server reads every request through it.
func DecodeJSON(r io.Reader, max int64, v Validator) error {
	data, err := ReadLimited(r, max)
	if err != nil {
		return err
	}
	return Unmarshal(data, v)
}

// ReadLimited reads all of r, or fails with ErrTooLarge once it holds more
// than max bytes. It also turns an http.MaxBytesReader's error into
// ErrTooLarge.
func ReadLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, mbe.Limit)
	case err != nil:
		return nil, fmt.Errorf("api: reading body: %w", err)
	case int64(len(data)) > max:
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return data, nil
}

// Unmarshal is DecodeJSON for a body already in memory (an envelope's body).
func Unmarshal(data []byte, v Validator) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: expected a JSON object", ErrEmptyBody)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: expected a JSON object", ErrMalformed)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(data, v, err)
	}
	off := dec.InputOffset()
	if len(bytes.TrimLeft(data[off:], " \t\r\n")) > 0 {
		return fmt.Errorf("%w at byte %d", ErrTrailingData, off)
	}
	return v.Validate()
}

// decodeError turns encoding/json's error into one of this package's.
func decodeError(data []byte, v any, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%w at byte %d: %s", ErrMalformed, se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w: unexpected end of input", ErrMalformed)
	case errors.As(err, &te) && te.Offset > 0:
		fe := &FieldError{Field: te.Field, Value: typeErrorValue(te.Value), Expected: expectedOf(te.Type)}
		if path, raw, ok := locateTypeError(data, te.Offset); ok {
			fe.Field, fe.Value = path, raw
		}
		if fe.Field == "" {
			fe.Field = "(body)"
		}
		return fe
	}
	// An unknown key, or a value that a type's own UnmarshalJSON or
	// UnmarshalText rejected (a Hash, an address): encoding/json does not say
	// where, so walk the document alongside the type to find it.
	if fe := findProblem(json.NewDecoder(bytes.NewReader(data)), reflect.TypeOf(v), ""); fe != nil {
		return fe
	}
	switch {
	case te != nil:
		return &FieldError{Field: te.Field, Value: typeErrorValue(te.Value), Expected: expectedOf(te.Type)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		key := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return &FieldError{Field: strings.Trim(key, `"`), Err: ErrUnknownField}
	}
	return fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), "json: "))
}

// typeErrorValue shortens encoding/json's description of a value ("number
// -5", "string") to the value itself where it has one.
func typeErrorValue(s string) string {
	if rest, ok := strings.CutPrefix(s, "number "); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(s, "string "); ok {
		return rest
	}
	return ""
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// expectedOf describes, for an error message, what JSON a Go type takes.
func expectedOf(t reflect.Type) string {
	if t == nil {
		return "a valid value"
	}
	switch t {
	case hashType:
		return HashExpected
	case signatureType:
		return SignatureExpected
	case reflect.TypeFor[common.Address]():
		return "0x and 40 hex digits (an Ethereum address)"
	case reflect.TypeFor[common.Hash]():
		return "0x and 64 hex digits"
	case rawMessageType:
		return "a JSON value"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return expectedOf(t.Elem())
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return "a base64 string"
		}
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a valid value"
}

// locateTypeError finds the JSON path, with array indices, and the raw
// text of the value that a type error at offset (the end of the value, as
// encoding/json reports it) is about. encoding/json's own Field has no
// indices.
func locateTypeError(data []byte, offset int64) (path, raw string, ok bool) {
	walkJSON(data, func(p, _ string, start, end int64, tok json.Token) bool {
		if end < offset {
			return true
		}
		path, raw, ok = p, rawToken(data, start, end, tok), true
		return false
	})
	return path, raw, ok
}

// rawToken gives a token's text for an error message, shortened.
func rawToken(data []byte, start, end int64, tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "{…}"
		}
		return "[…]"
	case string:
		return quote(t)
	}
	s := strings.TrimSpace(string(data[start:end]))
	if len(s) > maxValueLen {
		s = s[:maxValueLen] + "…"
	}
	return s
}

// walkJSON calls fn for every value of a valid JSON document, in order, with
// its path ("a.b[2].c"), the path without indices ("a.b.c", as
// encoding/json reports it), its byte range and its first token (a Delim for
// objects and arrays). It stops when fn returns false or at a syntax error.
func walkJSON(data []byte, fn func(path, bare string, start, end int64, tok json.Token) bool) {
	type frame struct {
		array      bool
		index      int
		key        string
		path, bare string
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []frame
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		end := dec.InputOffset()
		if d, isDelim := tok.(json.Delim); isDelim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 {
				if stack[n-1].array {
					stack[n-1].index++
				} else {
					stack[n-1].key = ""
				}
			}
			continue
		}
		var path, bare string
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if !top.array && top.key == "" {
				top.key, _ = tok.(string) // an object key
				if top.key == "" {
					top.key = "\x00" // the empty key
				}
				continue
			}
			if top.array {
				path, bare = at(top.path, top.index), top.bare
			} else {
				k := strings.TrimPrefix(top.key, "\x00")
				path, bare = sub(top.path, k), sub(top.bare, k)
			}
		}
		// encoding/json's offsets skip the separator before a value.
		start += int64(len(data[start:end]) - len(bytes.TrimLeft(data[start:end], " \t\r\n,:")))
		if !fn(path, bare, start, end, tok) {
			return
		}
		if d, isDelim := tok.(json.Delim); isDelim {
			stack = append(stack, frame{array: d == '[', path: path, bare: bare})
			continue
		}
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].key = ""
			}
		}
	}
}

// findProblem walks a JSON document alongside the Go type it decodes into
// and returns, as a *FieldError naming its path, the first key the type has
// no field for or the first value that a type's own UnmarshalJSON or
// UnmarshalText rejects. It matches keys the way encoding/json does:
// exactly, else ignoring case.
func findProblem(dec *json.Decoder, t reflect.Type, path string) *FieldError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType {
		skipValue(dec)
		return nil
	}
	if pt := reflect.PointerTo(t); pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType) {
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return nil
		}
		if json.Unmarshal(raw, reflect.New(t).Interface()) == nil {
			return nil
		}
		value := shortRaw(raw)
		var s string
		if json.Unmarshal(raw, &s) == nil {
			value = quote(s)
		}
		return &FieldError{Field: path, Value: value, Expected: expectedOf(t)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		return nil
	}
	switch {
	case d == '{' && t.Kind() == reflect.Struct:
		fields := jsonFields(t)
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil
			}
			key, _ := kt.(string)
			ft, found := lookupField(fields, key)
			if !found {
				names := make([]string, len(fields))
				for i, f := range fields {
					names[i] = f.name
				}
				return &FieldError{Field: sub(path, key), Expected: "one of the fields " + strings.Join(names, ", "), Err: ErrUnknownField}
			}
			if fe := findProblem(dec, ft, sub(path, key)); fe != nil {
				return fe
			}
		}
	case d == '{' && t.Kind() == reflect.Map:
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil
			}
			key, _ := kt.(string)
			if fe := findProblem(dec, t.Elem(), sub(path, key)); fe != nil {
				return fe
			}
		}
	case d == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i := 0; dec.More(); i++ {
			if fe := findProblem(dec, t.Elem(), at(path, i)); fe != nil {
				return fe
			}
		}
	}
	skipRest(dec)
	return nil
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists a struct's JSON field names and types, in order,
// flattening embedded structs as encoding/json does (simplified: no
// shadowing rules, which Meadow's types do not need).
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: f.Type})
	}
	return out
}

func lookupField(fields []jsonField, key string) (reflect.Type, bool) {
	for _, f := range fields {
		if f.name == key {
			return f.typ, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f.typ, true
		}
	}
	return nil, false
}

// skipValue consumes one whole value.
func skipValue(dec *json.Decoder) {
	tok, err := dec.Token()
	if err != nil {
		return
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
		skipRest(dec)
	}
}

// skipRest consumes the rest of an object or array whose opening delimiter
// has been read, including its closing one.
func skipRest(dec *json.Decoder) {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
	}
}
