package edge

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// bearer checks the intake token: one of the platform's (file intake-token, valid in
// every served namespace) or one of the path namespace's own (its TenantSecret). It
// answers (503 unconfigured or API unavailable, 401) and returns false when the request
// may not pass. A namespace that is not served has no tokens of its own, so a caller
// learns nothing about which namespaces are served before it authenticates.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) bool {
	platform := s.config().IntakeTokens
	tok, given := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if given && oneOf(tok, platform) {
		return true
	}
	own, err := s.tenant(r.Context(), r.PathValue("namespace"))
	if err != nil {
		s.apiError(err, "reading the namespace's edge Secret", r.PathValue("namespace"), "")
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "credentials could not be read; retry")
		return false
	}
	if len(platform) == 0 && len(own.tokens) == 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured",
			"no intake token is configured (file intake-token, or the namespace's Secret "+TenantSecret+"); the endpoint is closed")
		return false
	}
	if !given || !oneOf(tok, own.tokens) {
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
