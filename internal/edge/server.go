package edge

import (
	"github.com/followup-io/followup-operator/internal/secrets"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Server serves the edge's endpoints. It is an http.Handler; Runnable serves it inside
// the manager.
type Server struct {
	// Client reads through the manager's cache (the edge.* field indexes) and writes to
	// the API server.
	Client client.Client
	// Reader reads uncached: the read of a read-modify-write must see the newest lead.
	Reader client.Reader
	Clock  clock.PassiveClock
	// Log gets lead object names, endpoints, status codes and event kinds; never contact
	// data or message text.
	Log logr.Logger
	// Config is the configuration the server starts with; SetConfig replaces it while
	// the server runs (rotated secrets).
	Config Config

	live        atomic.Pointer[Config]
	tenants     *secrets.Cache
	tenantsOnce sync.Once
	once        sync.Once
	mux         *http.ServeMux
}

// config is the configuration in force: the last SetConfig, else Config. Handlers read
// it once per request, so one request never sees half of a rotation.
func (s *Server) config() *Config {
	if c := s.live.Load(); c != nil {
		return c
	}
	return &s.Config
}

// SetConfig replaces the configuration for the requests that start from now on.
func (s *Server) SetConfig(c Config) { s.live.Store(&c) }

// ServeHTTP makes the Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.Handler().ServeHTTP(w, r) }

// Handler is the edge's routes (docs/inbound.md).
func (s *Server) Handler() http.Handler {
	s.once.Do(func() {
		m := http.NewServeMux()
		m.HandleFunc("/v1/namespaces/{namespace}/leads", s.only(http.MethodPost, s.intake))
		m.HandleFunc("/v1/namespaces/{namespace}/google-ads", s.only(http.MethodPost, s.googleAds))
		m.HandleFunc("/v1/namespaces/{namespace}/leads/{name}/interactions", s.only(http.MethodPost, s.interactionForLead))
		m.HandleFunc("/v1/namespaces/{namespace}/interactions", s.only(http.MethodPost, s.interactionByLookup))
		m.HandleFunc("/v1/whatsapp", func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet:
				s.whatsAppHandshake(w, r)
			case http.MethodPost:
				s.whatsAppEvents(w, r)
			default:
				w.Header().Set("Allow", "GET, POST")
				s.fail(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "use GET (verification) or POST (events)")
			}
		})
		m.HandleFunc("/v1/namespaces/{namespace}/orders", s.only(http.MethodPost, s.orderEvent))
		m.HandleFunc("/act", s.action)
		m.HandleFunc("/reps/{name}", s.repPage)
		m.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
		m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			s.fail(w, r, http.StatusNotFound, "NotFound", "no such endpoint; see docs/inbound.md")
		})
		s.mux = m
	})
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
