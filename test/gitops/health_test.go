package gitops

import (
	"strings"
	"testing"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
)

// TestArgoCDHealth runs config/argocd's script for each object's kind over every state
// the operator puts that kind in, as Argo CD would, and checks what Argo CD would show:
// a Stalled object is Degraded (the application is not green), work under way or a spec
// not yet observed is Progressing, a suspended lead is Suspended.
func TestArgoCDHealth(t *testing.T) {
	scripts := healthScripts(t)
	for _, s := range world(t) {
		t.Run(s.name, func(t *testing.T) {
			got, err := runHealth(scripts[s.obj.GetKind()], s.obj.Object)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s", got.Status, got.Message)
			if got.Status != s.argo || !strings.Contains(got.Message, s.message) {
				t.Errorf("Argo CD health %s %q, want %s with %q", got.Status, got.Message, s.argo, s.message)
			}
		})
	}
}

// TestKstatusAgrees runs Flux's kstatus (fluxcd/cli-utils) over the same objects: Ready
// is Current, Reconciling and an unobserved spec are InProgress, Stalled is Failed, so
// a Flux Kustomization's health checks and `kubectl wait` agree with Argo CD.
func TestKstatusAgrees(t *testing.T) {
	kinds := map[string]map[string]bool{}
	for _, s := range world(t) {
		if s.kstatus == "" {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			res, err := status.Compute(s.obj)
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Status) != s.kstatus {
				t.Errorf("kstatus %s (%s), want %s", res.Status, res.Message, s.kstatus)
			}
		})
		if kinds[s.obj.GetKind()] == nil {
			kinds[s.obj.GetKind()] = map[string]bool{}
		}
		kinds[s.obj.GetKind()][s.kstatus] = true
	}
	// Every kind with status is seen Current, InProgress and Failed.
	for _, kind := range []string{"FollowUpPolicy", "Lead", "Campaign", "Channel"} {
		for _, want := range []string{"Current", "InProgress", "Failed"} {
			if !kinds[kind][want] {
				t.Errorf("%s is never checked in state %s", kind, want)
			}
		}
	}
}
