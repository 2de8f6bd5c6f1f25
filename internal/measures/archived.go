package measures

import (
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Start is the exclusive start of the window: leads submitted after it, up to Now,
// count. Callers that fetch archived leads fetch exactly this window.
func (o Options) Start() time.Time { return o.Now.Add(-o.window()) }

// WithArchived adds archived leads to the live ones, each UID once. The live copy wins:
// a lead written to the archive a moment before its deletion is still in the cluster,
// and must not count twice. Archiving therefore never changes a figure.
func WithArchived(live, archived []v1.Lead) []v1.Lead {
	if len(archived) == 0 {
		return live
	}
	seen := make(map[string]bool, len(live))
	for i := range live {
		seen[string(live[i].UID)] = true
	}
	out := make([]v1.Lead, 0, len(live)+len(archived))
	out = append(out, live...)
	for i := range archived {
		if uid := string(archived[i].UID); !seen[uid] {
			seen[uid] = true
			out = append(out, archived[i])
		}
	}
	return out
}
