package edge

import (
	"context"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// Account events are about a WhatsApp Business Account's templates and numbers, not a
// lead. The edge records them on the status of the account's Channels itself (a
// read-modify-write of status.whatsApp with the resourceVersion, retried on conflict):
// the API server is the only store, so a restart loses nothing, two edge replicas
// writing the same Channel conflict instead of overwriting each other, and a write
// that still fails answers 503 so Meta delivers the event again. Meta's own time
// orders the events: one older than what is stored (a late redelivery) changes
// nothing, and the same event twice writes once. The channel controller derives the
// conditions from what is stored.

// waMaxTemplates bounds status.whatsApp.templates (the CRD's MaxItems).
const waMaxTemplates = 64

const (
	waTemplateStatus  = "message_template_status_update"
	waTemplateQuality = "message_template_quality_update"
	waNumberQuality   = "phone_number_quality_update"
)

// whatsAppAccountChange records a template or number event on the Channels of the
// business account; false when the change is of another kind.
func (s *Server) whatsAppAccountChange(ctx context.Context, account string, at int64, ch waChange, counts map[string]int) bool {
	v := ch.Value
	var apply func(*v1.Channel, *v1.WhatsAppChannelStatus, metav1.Time)
	kind := "template"
	switch ch.Field {
	case waTemplateStatus, waTemplateQuality:
		// The template's name and state are ops' own words, never customer data.
		s.Log.Info("whatsapp template event", "field", ch.Field, "template", clip(v.MessageTemplateName, 512),
			"language", clip(v.MessageTemplateLanguage, 16), "event", clip(v.Event, 64), "quality", clip(v.NewQualityScore, 32))
		if v.MessageTemplateName == "" {
			break
		}
		apply = func(_ *v1.Channel, st *v1.WhatsAppChannelStatus, when metav1.Time) {
			applyTemplate(st, ch.Field, v, when)
		}
	case waNumberQuality:
		kind = "number"
		s.Log.Info("whatsapp number event", "event", clip(v.Event, 64), "tier", clip(v.CurrentLimit, 32))
		display := indexes.Digits(v.DisplayPhoneNumber)
		if display == "" {
			break
		}
		apply = func(c *v1.Channel, st *v1.WhatsAppChannelStatus, when metav1.Time) {
			if indexes.Digits(c.Spec.WhatsApp.DisplayPhoneNumber) == display {
				applyNumber(st, v, when)
			}
		}
	case "template_category_update":
		s.Log.Info("whatsapp template event", "field", ch.Field, "template", clip(v.MessageTemplateName, 512))
	default:
		return false
	}
	s.count(waEndpoint, "", kind)
	counts[kind]++
	if apply == nil || account == "" {
		return true
	}
	when := metav1.NewTime(time.Unix(at, 0).UTC())
	if at <= 0 {
		when = metav1.NewTime(s.Clock.Now().UTC().Truncate(time.Second))
	}
	chs, err := s.accountChannels(ctx, account)
	if err != nil {
		s.Log.Error(err, "listing whatsapp channels of a business account")
		counts[outcomeError]++
		return true
	}
	if len(chs) == 0 {
		s.Log.Info("whatsapp business account owned by no channel in the served namespaces", "field", ch.Field)
	}
	for _, key := range chs {
		if err := s.updateWhatsAppStatus(ctx, key, when, apply); err != nil {
			s.apiError(err, "recording a whatsapp account event on channel "+key.Name, key.Namespace, "")
			counts[outcomeError]++
		}
	}
	return true
}

// accountChannels are the served WhatsApp Channels of a business account.
func (s *Server) accountChannels(ctx context.Context, account string) ([]client.ObjectKey, error) {
	var chs v1.ChannelList
	if err := s.Client.List(ctx, &chs, client.MatchingFields{indexes.ChannelBusinessAccountID: account}); err != nil {
		return nil, err
	}
	var keys []client.ObjectKey
	for i := range chs.Items {
		if c := &chs.Items[i]; c.Spec.Type == v1.ChannelWhatsApp && c.Spec.WhatsApp != nil && s.allowed(c.Namespace) {
			keys = append(keys, client.ObjectKeyFromObject(c))
		}
	}
	slices.SortFunc(keys, func(a, b client.ObjectKey) int { return strings.Compare(a.String(), b.String()) })
	return keys, nil
}

// waAccountBackoff spaces the retries of a conflicting Channel write: events of one
// account come in bursts (Meta pauses many templates at once) and every replica
// writes the same Channels; the jitter lets them take turns. About 4 s at most, well
// inside waBudget; past it the event answers 503 and Meta delivers it again.
var waAccountBackoff = wait.Backoff{Steps: 12, Duration: 10 * time.Millisecond, Factor: 1.5, Jitter: 1, Cap: time.Second}

// updateWhatsAppStatus applies an event to a Channel's status.whatsApp: read uncached,
// changed, written with the resourceVersion read, again on a conflict. No write when
// nothing changed (a redelivery, an older event); a Channel deleted meanwhile is done.
func (s *Server) updateWhatsAppStatus(ctx context.Context, key client.ObjectKey, when metav1.Time,
	apply func(*v1.Channel, *v1.WhatsAppChannelStatus, metav1.Time)) error {
	err := retry.RetryOnConflict(waAccountBackoff, func() error {
		var c v1.Channel
		if err := s.Reader.Get(ctx, key, &c); err != nil {
			return err
		}
		if c.Spec.WhatsApp == nil {
			return nil
		}
		st := c.Status.WhatsApp.DeepCopy()
		if st == nil {
			st = &v1.WhatsAppChannelStatus{}
		}
		apply(&c, st, when)
		if equality.Semantic.DeepEqual(st, c.Status.WhatsApp) || (c.Status.WhatsApp == nil && equality.Semantic.DeepEqual(st, &v1.WhatsAppChannelStatus{})) {
			return nil
		}
		c.Status.WhatsApp = st
		return s.Client.Status().Update(ctx, &c)
	})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// applyTemplate records a template status or quality event, unless an event Meta
// triggered later is already stored for the same dimension.
func applyTemplate(st *v1.WhatsAppChannelStatus, field string, v waValue, when metav1.Time) {
	if field == waTemplateQuality && v.NewQualityScore == "" || field == waTemplateStatus && v.Event == "" {
		return
	}
	name, lang := clip(v.MessageTemplateName, 512), clip(cadence.TemplateLanguage(v.MessageTemplateLanguage), 16)
	i := slices.IndexFunc(st.Templates, func(t v1.WhatsAppTemplateState) bool {
		return t.Name == name && cadence.TemplateLanguage(t.Language) == lang
	})
	if i < 0 {
		st.Templates = append(st.Templates, v1.WhatsAppTemplateState{Name: name, Language: lang})
		i = len(st.Templates) - 1
	}
	t := &st.Templates[i]
	switch event := clip(v.Event, 32); {
	case field == waTemplateQuality:
		if t.QualityUpdatedAt != nil && when.Before(t.QualityUpdatedAt) {
			break
		}
		t.Quality, t.QualityUpdatedAt = clip(v.NewQualityScore, 16), &when
	case t.UpdatedAt != nil && when.Before(t.UpdatedAt):
		// An older event delivered late: what is stored is newer.
	case cadence.TemplateStatusEvent(event):
		t.Status, t.LastEvent, t.Reason, t.UpdatedAt = event, event, templateReason(v), &when
	case event != "":
		t.LastEvent = event // FLAGGED, LOCKED...: the template still sends
	}
	boundTemplates(st, i)
}

// templateReason is Meta's pause title, else its reason, without the NONE it sends
// when there is none.
func templateReason(v waValue) string {
	if v.OtherInfo != nil && v.OtherInfo.Title != "" {
		return clip(v.OtherInfo.Title, 128)
	}
	if v.Reason != nil && *v.Reason != "NONE" {
		return clip(*v.Reason, 128)
	}
	return ""
}

// boundTemplates keeps at most waMaxTemplates: the usable template unchanged longest
// makes room first (a held one says why steps wait), never the one just written (keep).
func boundTemplates(st *v1.WhatsAppChannelStatus, keep int) {
	for len(st.Templates) > waMaxTemplates {
		drop := -1
		for i, t := range st.Templates {
			if i == keep {
				continue
			}
			if drop < 0 || evictFirst(t, st.Templates[drop]) {
				drop = i
			}
		}
		st.Templates = slices.Delete(st.Templates, drop, drop+1)
		if drop < keep {
			keep--
		}
	}
}

// evictFirst says whether a goes before b: usable before held, then older.
func evictFirst(a, b v1.WhatsAppTemplateState) bool {
	ah, bh := cadence.HoldOf(a) != nil, cadence.HoldOf(b) != nil
	if ah != bh {
		return !ah
	}
	return lastChange(a).Before(lastChange(b))
}

func lastChange(t v1.WhatsAppTemplateState) time.Time {
	var out time.Time
	for _, at := range []*metav1.Time{t.UpdatedAt, t.QualityUpdatedAt} {
		if at != nil && at.After(out) {
			out = at.Time
		}
	}
	return out
}

// applyNumber records a messaging limit event, unless a later one is stored. Meta's
// payload has no quality rating: FLAGGED means the number's rating fell low (RED),
// UNFLAGGED that it recovered.
func applyNumber(st *v1.WhatsAppChannelStatus, v waValue, when metav1.Time) {
	l := st.MessagingLimit
	if l == nil {
		l = &v1.WhatsAppMessagingLimit{}
	}
	if l.UpdatedAt != nil && when.Before(l.UpdatedAt) {
		return
	}
	if v.CurrentLimit != "" {
		l.Tier = clip(v.CurrentLimit, 32)
	}
	if v.MaxDailyConversationsPerBusiness != "" {
		l.BusinessTier = clip(v.MaxDailyConversationsPerBusiness, 32)
	}
	switch l.Event = clip(v.Event, 32); l.Event {
	case "FLAGGED":
		l.Quality = "RED"
	case "UNFLAGGED":
		l.Quality = "GREEN"
	}
	l.UpdatedAt = &when
	st.MessagingLimit = l
}
