package edge

import (
	"context"
	"slices"
	"time"

	"github.com/go-logr/logr"
)

// SecretsWatcher re-reads the edge's secret files (a mounted Secret) while the operator
// runs, so a rotated token or a newly added Google key takes effect without a restart.
// Kubernetes updates a Secret volume by swapping the ..data symlink, which a watch on
// the files themselves would miss; reading every Interval sees the swap (the files are
// a few lines). A read that fails keeps the secrets in force.
type SecretsWatcher struct {
	Dir      string
	Server   *Server
	Interval time.Duration // 5 s when zero
	Log      logr.Logger
	// OnChange, when set, is told of every reloaded configuration (the senders' action
	// link signer follows the key file this way).
	OnChange func(Config)
}

// Start polls until ctx ends.
func (sw *SecretsWatcher) Start(ctx context.Context) error {
	every := sw.Interval
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		next, err := LoadConfig(sw.Dir)
		if err != nil {
			if !failing {
				sw.Log.Error(err, "reading the edge's secrets failed; the secrets in force stay", "dir", sw.Dir)
			}
			failing = true
			continue
		}
		failing = false
		cur := sw.Server.config()
		next.Namespaces, next.MaxBody = cur.Namespaces, cur.MaxBody
		if changed := secretsChanged(cur, &next); len(changed) > 0 {
			sw.Server.SetConfig(next)
			if sw.OnChange != nil {
				sw.OnChange(next)
			}
			// Names of what changed and how many values each holds; never a value.
			sw.Log.Info("edge secrets reloaded", "changed", changed, "intakeTokens", len(next.IntakeTokens),
				"googleKeys", len(next.GoogleKeys), "whatsappAppSecret", next.WhatsAppAppSecret != "",
				"whatsappVerifyToken", next.WhatsAppVerifyToken != "")
		}
	}
}

// NeedLeaderElection is false: every replica serves the edge with the current secrets.
func (*SecretsWatcher) NeedLeaderElection() bool { return false }

// secretsChanged names the files whose content differs.
func secretsChanged(a, b *Config) []string {
	var changed []string
	if !slices.Equal(a.IntakeTokens, b.IntakeTokens) {
		changed = append(changed, fileIntakeToken)
	}
	if !slices.Equal(a.GoogleKeys, b.GoogleKeys) {
		changed = append(changed, fileGoogleKey)
	}
	if !slices.Equal(a.OrderSecrets, b.OrderSecrets) {
		changed = append(changed, fileOrderSecret)
	}
	if !slices.Equal(a.ActionLinkKeys, b.ActionLinkKeys) {
		changed = append(changed, fileActionLinkKey)
	}
	if a.WhatsAppAppSecret != b.WhatsAppAppSecret {
		changed = append(changed, fileWhatsAppAppSecret)
	}
	if a.WhatsAppVerifyToken != b.WhatsAppVerifyToken {
		changed = append(changed, fileWhatsAppVerifyToken)
	}
	return changed
}
