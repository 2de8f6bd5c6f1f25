package edge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Labels the edge puts on the leads it creates.
const (
	LabelSource = "followup.io/source"
	LabelRegion = "followup.io/region"
)

func readAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }

// leadName is deterministic in the source and its lead id, so the same lead submitted
// twice (a retried webhook, a double click) answers AlreadyExists instead of a copy.
func leadName(source, externalID string) string {
	sum := sha256.Sum256([]byte(source + "/" + externalID))
	return source + "-" + hex.EncodeToString(sum[:])[:12]
}

// created is the answer to an intake.
type created struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Created   bool   `json:"created"`
}

// createLead creates l or finds it there already; it answers the request.
func (s *Server) createLead(w http.ResponseWriter, r *http.Request, l *v1.Lead) {
	err := s.Client.Create(r.Context(), l)
	switch {
	case err == nil:
		s.Log.Info("lead created", "namespace", l.Namespace, "lead", l.Name, "source", l.Labels[LabelSource])
		writeJSON(w, http.StatusCreated, created{l.Namespace, l.Name, true})
	case apierrors.IsAlreadyExists(err):
		writeJSON(w, http.StatusOK, created{l.Namespace, l.Name, false})
	case apierrors.IsInvalid(err):
		s.fail(w, r, http.StatusUnprocessableEntity, "Invalid", invalidMessage(err))
	default:
		s.Log.Error(err, "creating lead", "namespace", l.Namespace, "lead", l.Name)
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the lead could not be stored; retry")
	}
}

// invalidMessage turns the API server's validation causes (CEL messages) into one line.
func invalidMessage(err error) string {
	var se *apierrors.StatusError
	if !errors.As(err, &se) || se.ErrStatus.Details == nil {
		return "the lead is not valid"
	}
	var parts []string
	for _, c := range se.ErrStatus.Details.Causes {
		parts = append(parts, strings.TrimPrefix(c.Field, "spec.")+": "+c.Message)
	}
	return strings.Join(parts, "; ")
}

// handToHumanKeywords are the buying keywords of the policy a lead follows.
func (s *Server) handToHumanKeywords(ctx context.Context, l *v1.Lead) []string {
	name := l.Spec.Policy
	if name == "" && l.Spec.Source.Campaign != "" {
		var c v1.Campaign
		if err := s.Client.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: l.Spec.Source.Campaign}, &c); err == nil {
			name = c.Spec.Policy
		}
	}
	var p v1.FollowUpPolicy
	if name == "" || s.Client.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &p) != nil {
		return defaultKeywords
	}
	if len(p.Spec.HandToHuman.Keywords) == 0 {
		return defaultKeywords
	}
	return p.Spec.HandToHuman.Keywords
}

// defaultKeywords are the brief's buying words, used when the policy cannot be read.
var defaultKeywords = []string{"price", "quote", "quotation", "discount", "sample", "PI", "proforma"}

// Index names; prefixed so they never clash with the controllers' indexes.
const (
	IndexWhatsApp   = "edge.whatsapp"
	IndexCampaignID = "edge.campaignId"
)

// SetupIndexes registers the field indexes the edge looks leads and campaigns up by.
// The WhatsApp index holds numbers in memory only; they are never logged.
func SetupIndexes(ctx context.Context, idx client.FieldIndexer) error {
	if err := idx.IndexField(ctx, &v1.Lead{}, IndexWhatsApp, func(o client.Object) []string {
		if n := digits(o.(*v1.Lead).Spec.Contact.WhatsApp); n != "" {
			return []string{n}
		}
		return nil
	}); err != nil {
		return err
	}
	return idx.IndexField(ctx, &v1.Campaign{}, IndexCampaignID, func(o client.Object) []string {
		c := o.(*v1.Campaign)
		if c.Spec.Source.CampaignID == "" {
			return nil
		}
		return []string{fmt.Sprintf("%s/%s", c.Spec.Source.Platform, c.Spec.Source.CampaignID)}
	})
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func jsonUnmarshal(b []byte, into any) error { return json.Unmarshal(b, into) }
