package leadrecord

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestInteractionNameIsStableValidAndPerLead(t *testing.T) {
	long := strings.Repeat("a", 240) + ".b-c"
	for _, lead := range []string{"acme-high", "x", long, strings.Repeat("a.", 126) + "b", "form-0123456789abcdef"} {
		n := InteractionName(lead, "wa:msg:wamid.HBgL")
		if errs := validation.IsDNS1123Subdomain(n); len(errs) > 0 {
			t.Errorf("%q -> %q: %v", lead, n, errs)
		}
		if n != InteractionName(lead, "wa:msg:wamid.HBgL") {
			t.Errorf("%q: not stable", lead)
		}
	}
	if InteractionName("a", "1") == InteractionName("b", "1") || InteractionName("a", "1") == InteractionName("a", "2") {
		t.Error("different events share a name")
	}
	if !strings.HasPrefix(InteractionName("acme-high", "1"), "acme-high-") {
		t.Errorf("%q does not start with the lead's name", InteractionName("acme-high", "1"))
	}
}

func FuzzInteractionName(f *testing.F) {
	f.Add("acme-high", "id")
	f.Add(strings.Repeat("a-", 130), "")
	f.Fuzz(func(t *testing.T, lead, id string) {
		if len(validation.IsDNS1123Subdomain(lead)) > 0 {
			return // only lead names the API server accepts reach here
		}
		if n := InteractionName(lead, id); len(validation.IsDNS1123Subdomain(n)) > 0 {
			t.Fatalf("%q %q -> invalid %q", lead, id, n)
		}
	})
}

// TestReceiptsHaveNoDirection: a bounce and the other receipts are stored without a
// direction whatever the recorder said; a bounce is mail.
func TestReceiptsHaveNoDirection(t *testing.T) {
	for _, k := range []v1.InteractionKind{v1.InteractionDelivered, v1.InteractionRead, v1.InteractionDeliveryFailed, v1.InteractionBounced} {
		for _, d := range []v1.Direction{v1.Inbound, v1.Outbound, ""} {
			in := v1.InteractionEntry{Kind: k, Direction: d}
			normalize(&in)
			if in.Direction != "" {
				t.Errorf("%s %q kept direction %q", k, d, in.Direction)
			}
		}
	}
	b := v1.InteractionEntry{Kind: v1.InteractionBounced}
	normalize(&b)
	if b.Medium != "Email" {
		t.Errorf("bounce medium %q", b.Medium)
	}
	r := v1.InteractionEntry{Kind: v1.InteractionReply, Direction: v1.Inbound}
	if normalize(&r); r.Direction != v1.Inbound {
		t.Errorf("a reply lost its direction")
	}
}
