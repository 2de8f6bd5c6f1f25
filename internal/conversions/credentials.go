package conversions

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

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

// Token is a bearer token for the Data Manager API from the Secret's data: a service
// account key is exchanged for an access token at its token_uri (a signed JWT, scope
// datamanager); else the stored access-token is used as is.
func Token(ctx context.Context, hc *http.Client, data map[string][]byte) (string, error) {
	if raw := data[KeyServiceAccount]; len(raw) > 0 {
		var sa struct {
			ClientEmail  string `json:"client_email"`
			PrivateKey   string `json:"private_key"`
			PrivateKeyID string `json:"private_key_id"`
			TokenURI     string `json:"token_uri"`
		}
		if err := json.Unmarshal(raw, &sa); err != nil || sa.ClientEmail == "" || sa.PrivateKey == "" {
			return "", errors.New("service-account.json is not a service account key")
		}
		if sa.TokenURI == "" {
			sa.TokenURI = "https://oauth2.googleapis.com/token"
		}
		cfg := &jwt.Config{Email: sa.ClientEmail, PrivateKey: []byte(sa.PrivateKey), PrivateKeyID: sa.PrivateKeyID,
			Scopes: []string{Scope}, TokenURL: sa.TokenURI}
		t, err := cfg.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, hc)).Token()
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
