package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// defaultMaxBody bounds a request body when Config.MaxBody is zero.
const defaultMaxBody = 1 << 20

// apiError is every error answer's body.
type apiError struct {
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

// fail answers an error. The log line names the route pattern, never the raw path (an
// unknown path is whatever the caller typed) nor anything from the body.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, reason, msg string) {
	s.Log.Info("edge request refused", "route", r.Pattern, "status", code, "reason", reason)
	requests.WithLabelValues(endpointOf(r), fmt.Sprint(code)).Inc()
	writeJSON(w, code, apiError{Error: msg, Reason: reason})
}

// ok answers a success.
func (s *Server) ok(w http.ResponseWriter, r *http.Request, code int, v any) {
	requests.WithLabelValues(endpointOf(r), fmt.Sprint(code)).Inc()
	writeJSON(w, code, v)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// readBody reads a JSON request body within the size bound; on error it answers (415,
// 413, 400) and returns false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.fail(w, r, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "send Content-Type: application/json")
		return nil, false
	}
	limit := s.config().MaxBody
	if limit <= 0 {
		limit = defaultMaxBody
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "BodyTooLarge", fmt.Sprintf("the body is larger than %d bytes", limit))
			return nil, false
		}
		s.fail(w, r, http.StatusBadRequest, "UnreadableBody", "the body could not be read")
		return nil, false
	}
	return raw, true
}

// readJSON reads and decodes a body. strict refuses unknown fields: our own formats say
// at once when a field is misspelt; providers' payloads grow, so theirs are lenient.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, into any, strict bool) bool {
	raw, ok := s.readBody(w, r)
	if !ok {
		return false
	}
	if err := decodeJSON(raw, into, strict); err != nil {
		s.fail(w, r, http.StatusBadRequest, "InvalidJSON", err.Error())
		return false
	}
	return true
}

// decodeJSON decodes exactly one JSON value and explains a failure without Go type names.
func decodeJSON(raw []byte, into any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if strict {
		dec.DisallowUnknownFields()
	}
	err := dec.Decode(into)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON value")
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return fmt.Errorf("the body must be a JSON object, not a %s", typeErr.Value)
		}
		return fmt.Errorf("field %s must not be a %s", typeErr.Field, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("the body is not valid JSON (at byte %d)", syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		return errors.New("the body is empty")
	}
	return fmt.Errorf("the body is not of the documented shape: %s", trimJSONPrefix(err.Error()))
}

func trimJSONPrefix(s string) string {
	if len(s) > 6 && s[:6] == "json: " {
		return s[6:]
	}
	return s
}
