package edge

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// bearer checks the intake token; it answers (503 unconfigured, 401) and returns false
// when the request may not pass.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) bool {
	if len(s.config().IntakeTokens) == 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no intake token is configured (file intake-token); the endpoint is closed")
		return false
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !oneOf(tok, s.config().IntakeTokens) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="followup-edge"`)
		s.fail(w, r, http.StatusUnauthorized, "Unauthorized", "send Authorization: Bearer <intake token>")
		return false
	}
	return true
}

// namespace is the path's namespace when the operator serves it; else it answers 403.
func (s *Server) namespace(w http.ResponseWriter, r *http.Request) (string, bool) {
	ns := r.PathValue("namespace")
	if !s.allowed(ns) {
		s.fail(w, r, http.StatusForbidden, "NamespaceNotServed", "this operator does not serve namespace "+ns)
		return "", false
	}
	return ns, true
}

func (s *Server) allowed(ns string) bool {
	return validNamespace(ns) && (len(s.config().Namespaces) == 0 || slices.Contains(s.config().Namespaces, ns))
}

// validNamespace and validName keep what a caller typed from reaching the API client as
// a path segment it refuses (".", "%", "a/b"): such a lead cannot exist.
func validNamespace(ns string) bool { return len(validation.IsDNS1123Label(ns)) == 0 }
func validName(name string) bool    { return len(validation.IsDNS1123Subdomain(name)) == 0 }

// oneOf compares got with every candidate in constant time. Hashing first makes the
// comparison independent of the secrets' lengths too.
func oneOf(got string, want []string) bool {
	g := sha256.Sum256([]byte(got))
	match := 0
	for _, w := range want {
		h := sha256.Sum256([]byte(w))
		match |= subtle.ConstantTimeCompare(g[:], h[:])
	}
	return match == 1 && got != ""
}
