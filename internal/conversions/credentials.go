package conversions

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"
)

// Secret keys the credentials Secret may hold.
const (
	KeyServiceAccount = "service-account.json"
	KeyAccessToken    = "access-token"
)

// ErrNoCredentials: the Secret holds neither key.
var ErrNoCredentials = errors.New("the credentials Secret holds neither service-account.json nor access-token")

// Tokens hands out bearer tokens for the Data Manager API from a credentials Secret's
// data. A service account key is exchanged for an access token at its token_uri (a
// signed JWT, scope datamanager) once per token lifetime (an hour), not once per upload;
// a stored access-token is used as is. The zero value is ready to use.
type Tokens struct {
	mu      sync.Mutex
	sources map[[32]byte]oauth2.TokenSource
}

// maxTokenSources bounds the cache: one entry per service account key in use; a
// rotated key leaves its old entry behind until the bound clears them all.
const maxTokenSources = 64

// Token is the bearer token for the Secret's data.
func (ts *Tokens) Token(ctx context.Context, hc *http.Client, data map[string][]byte) (string, error) {
	if raw := data[KeyServiceAccount]; len(raw) > 0 {
		src, err := ts.source(ctx, hc, raw)
		if err != nil {
			return "", err
		}
		t, err := src.Token()
		if err != nil {
			return "", errors.New("the service account's token could not be obtained")
		}
		return t.AccessToken, nil
	}
	if t := strings.TrimSpace(string(data[KeyAccessToken])); t != "" {
		return t, nil
	}
	return "", ErrNoCredentials
}

// source is the reusing token source of one service account key, keyed by the key's
// hash so an edited Secret gets a new one.
func (ts *Tokens) source(ctx context.Context, hc *http.Client, raw []byte) (oauth2.TokenSource, error) {
	id := sha256.Sum256(raw)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if src, ok := ts.sources[id]; ok {
		return src, nil
	}
	var sa struct {
		ClientEmail  string `json:"client_email"`
		PrivateKey   string `json:"private_key"`
		PrivateKeyID string `json:"private_key_id"`
		TokenURI     string `json:"token_uri"`
	}
	if err := json.Unmarshal(raw, &sa); err != nil || sa.ClientEmail == "" || sa.PrivateKey == "" {
		return nil, errors.New("service-account.json is not a service account key")
	}
	if sa.TokenURI == "" {
		sa.TokenURI = "https://oauth2.googleapis.com/token"
	}
	cfg := &jwt.Config{Email: sa.ClientEmail, PrivateKey: []byte(sa.PrivateKey), PrivateKeyID: sa.PrivateKeyID,
		Scopes: []string{Scope}, TokenURL: sa.TokenURI}
	// The source outlives this reconcile: its refreshes must not inherit its cancellation.
	base := context.WithoutCancel(ctx)
	if hc != nil {
		base = context.WithValue(base, oauth2.HTTPClient, hc)
	}
	src := oauth2.ReuseTokenSource(nil, cfg.TokenSource(base))
	if ts.sources == nil || len(ts.sources) >= maxTokenSources {
		ts.sources = map[[32]byte]oauth2.TokenSource{}
	}
	ts.sources[id] = src
	return src, nil
}
