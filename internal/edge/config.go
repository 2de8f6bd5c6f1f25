// Package edge is the operator's inbound HTTP edge: lead intake (a generic JSON form and
// the Google Ads lead form webhook), the WhatsApp Cloud API webhook, and a generic
// interaction endpoint for CRMs and email tools. What customers do flows into Leads
// without anyone typing it in. docs/inbound.md documents every endpoint.
package edge

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Config is the edge's secrets and limits, read from a directory of files (a mounted
// Secret). An endpoint whose secret is missing answers 503: never open by default.
type Config struct {
	// IntakeTokens are bearer tokens for the generic endpoints (file intake-token, one per line).
	IntakeTokens []string
	// GoogleKeys are the Google Ads lead form keys (file google-key, one per line).
	GoogleKeys []string
	// WhatsAppAppSecret signs WhatsApp webhook POSTs (file whatsapp-app-secret).
	WhatsAppAppSecret string
	// WhatsAppVerifyToken answers the subscription handshake (file whatsapp-verify-token).
	WhatsAppVerifyToken string
	// ActionLinkKeys sign and verify reps' action links (file action-link-key, one key
	// per line: the first signs, every line verifies, so a rotation keeps old links).
	ActionLinkKeys []string
	// OrderSecrets sign shops' and ERPs' order webhooks (file order-webhook-secret, one
	// per line; every line verifies).
	OrderSecrets []string
	// Namespaces the edge may write to; empty is all.
	Namespaces []string
	// MaxBody bounds a request body; 1 MiB when zero.
	MaxBody int64
	// TenantSecretTTL is how long a namespace's own credentials (its TenantSecret) are
	// reused before they are read again; 10 s when zero.
	TenantSecretTTL time.Duration
}

// The files of the secrets directory (keys of the mounted Secret).
const (
	fileIntakeToken         = "intake-token"
	fileGoogleKey           = "google-key"
	fileWhatsAppAppSecret   = "whatsapp-app-secret"
	fileWhatsAppVerifyToken = "whatsapp-verify-token"
	fileActionLinkKey       = "action-link-key"
	fileOrderSecret         = "order-webhook-secret"
)

// LoadConfig reads the files of dir; missing files leave their endpoint closed.
func LoadConfig(dir string) (Config, error) {
	var c Config
	if dir == "" {
		return c, nil
	}
	read := func(name string) ([]string, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return lines(b), nil
	}
	var err error
	if c.IntakeTokens, err = read(fileIntakeToken); err != nil {
		return c, err
	}
	if c.GoogleKeys, err = read(fileGoogleKey); err != nil {
		return c, err
	}
	if c.ActionLinkKeys, err = read(fileActionLinkKey); err != nil {
		return c, err
	}
	if c.OrderSecrets, err = read(fileOrderSecret); err != nil {
		return c, err
	}
	one := func(name string) (string, error) {
		l, err := read(name)
		if len(l) > 0 {
			return l[0], err
		}
		return "", err
	}
	if c.WhatsAppAppSecret, err = one(fileWhatsAppAppSecret); err != nil {
		return c, err
	}
	c.WhatsAppVerifyToken, err = one(fileWhatsAppVerifyToken)
	return c, err
}
