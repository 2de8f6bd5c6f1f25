package edge

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Server serves the edge's endpoints.
type Server struct {
	// Client reads through the manager's cache (field indexes) and writes to the API server.
	Client client.Client
	// Reader reads uncached, for read-modify-write retries.
	Reader client.Reader
	Clock  clock.PassiveClock
	Log    logr.Logger
	Config Config

	mux *http.ServeMux
}

// Handler builds the routes.
func (s *Server) Handler() http.Handler {
	if s.mux == nil {
		s.mux = http.NewServeMux()
		s.mux.HandleFunc("/v1/namespaces/{namespace}/leads", s.only(http.MethodPost, s.intake))
		s.mux.HandleFunc("/v1/namespaces/{namespace}/google-ads", s.only(http.MethodPost, s.googleAds))
		s.mux.HandleFunc("/v1/namespaces/{namespace}/leads/{name}/interactions", s.only(http.MethodPost, s.interaction))
		s.mux.HandleFunc("/v1/whatsapp", func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet:
				s.whatsAppHandshake(w, r)
			case http.MethodPost:
				s.whatsAppEvents(w, r)
			default:
				s.fail(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "use GET (verification) or POST (events)")
			}
		})
		s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			s.fail(w, r, http.StatusNotFound, "NotFound", "no such endpoint; see docs/inbound.md")
		})
	}
	return s.mux
}

// only refuses other methods with a JSON 405.
func (s *Server) only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			s.fail(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "use "+method)
			return
		}
		h(w, r)
	}
}

// apiError is every error answer's body.
type apiError struct {
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, reason, msg string) {
	s.Log.Info("edge request refused", "path", r.URL.Path, "status", code, "reason", reason)
	writeJSON(w, code, apiError{Error: msg, Reason: reason})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// body reads a JSON request body within the size bound; it answers and returns false on error.
func (s *Server) body(w http.ResponseWriter, r *http.Request, into any) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		s.fail(w, r, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "send application/json")
		return nil, false
	}
	limit := s.Config.MaxBody
	if limit <= 0 {
		limit = 1 << 20
	}
	raw, err := readAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "BodyTooLarge", "the body is larger than the limit")
			return nil, false
		}
		s.fail(w, r, http.StatusBadRequest, "UnreadableBody", "the body could not be read")
		return nil, false
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			s.fail(w, r, http.StatusBadRequest, "InvalidJSON", "the body is not valid JSON of the documented shape")
			return nil, false
		}
	}
	return raw, true
}

// bearer checks the intake token; it answers and returns false when it does not match.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) bool {
	if len(s.Config.IntakeTokens) == 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no intake token is configured for this endpoint")
		return false
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !oneOf(tok, s.Config.IntakeTokens) {
		s.fail(w, r, http.StatusUnauthorized, "Unauthorized", "send Authorization: Bearer <intake token>")
		return false
	}
	return true
}

// namespace checks the path's namespace against the allow-list.
func (s *Server) namespace(w http.ResponseWriter, r *http.Request) (string, bool) {
	ns := r.PathValue("namespace")
	if !s.allowed(ns) {
		s.fail(w, r, http.StatusForbidden, "NamespaceNotServed", "this operator does not serve namespace "+ns)
		return "", false
	}
	return ns, true
}

func (s *Server) allowed(ns string) bool {
	return ns != "" && (len(s.Config.Namespaces) == 0 || slices.Contains(s.Config.Namespaces, ns))
}

// oneOf compares in constant time against each candidate.
func oneOf(got string, want []string) bool {
	ok := false
	for _, w := range want {
		if subtle.ConstantTimeCompare([]byte(got), []byte(w)) == 1 {
			ok = true
		}
	}
	return ok
}

// Runnable serves the edge on an address inside the manager (every replica serves; the
// writes are idempotent).
type Runnable struct {
	Addr    string
	Handler http.Handler
}

// Start serves until ctx ends.
func (rn Runnable) Start(ctx context.Context) error {
	srv := &http.Server{Addr: rn.Addr, Handler: rn.Handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errc:
		return err
	}
}

// NeedLeaderElection is false: every replica serves the edge.
func (Runnable) NeedLeaderElection() bool { return false }
