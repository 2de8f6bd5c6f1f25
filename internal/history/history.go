// Package history builds one customer's timeline from all their leads, live and
// archived: submissions, every touch on every channel, every interaction (recorded on
// the lead, folded into its status, or still waiting in its inbox), hand-overs,
// dormancy, outcomes and archiving, in time order. Pure: leads in, timeline out;
// `kubectl followup history` gathers the leads and renders it.
package history

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/leadfacts"
)

// Source is one lead of the customer.
type Source struct {
	Lead       *v1.Lead
	Archived   bool
	ArchivedAt time.Time
	// Inbox: interactions not yet folded into the lead (its Interaction objects).
	Inbox []v1.InteractionEntry
}

// Where a lead is.
const (
	Live     = "live"
	Archived = "archived"
)

// LeadSummary is one lead in the timeline's header.
type LeadSummary struct {
	Namespace   string       `json:"namespace"`
	Name        string       `json:"name"`
	UID         string       `json:"uid"`
	Where       string       `json:"where"`
	Phase       v1.LeadPhase `json:"phase,omitempty"`
	Owner       string       `json:"owner,omitempty"`
	Campaign    string       `json:"campaign,omitempty"`
	SubmittedAt time.Time    `json:"submittedAt"`
	// ReturningFrom names the earlier lead this one was linked to.
	ReturningFrom string `json:"returningFrom,omitempty"`
}

// Entry is one event.
type Entry struct {
	At time.Time `json:"at"`
	// Lead is namespace/name.
	Lead string `json:"lead"`
	// Channel is the Channel of a touch ("task" for a rep's task) or the medium of an
	// interaction (Email, Phone, WhatsApp...).
	Channel string `json:"channel,omitempty"`
	Event   string `json:"event"`
	Detail  string `json:"detail,omitempty"`
}

// Timeline is a customer's history.
type Timeline struct {
	Leads   []LeadSummary `json:"leads"`
	Entries []Entry       `json:"entries"`
}

// Build merges the sources. A lead found both live and archived (archived a moment
// before its deletion) appears once, as live.
func Build(sources []Source) Timeline {
	sources = dedupe(sources)
	var tl Timeline
	for i := range sources {
		s := &sources[i]
		l := s.Lead
		sum := LeadSummary{Namespace: l.Namespace, Name: l.Name, UID: string(l.UID), Where: Live, Phase: l.Status.Phase,
			Owner: l.Status.Owner, Campaign: l.Spec.Source.Campaign, SubmittedAt: leadfacts.SubmittedAt(l)}
		if s.Archived {
			sum.Where = Archived
		}
		if rc := l.Status.ReturningContact; rc != nil {
			sum.ReturningFrom = rc.PreviousLead
		}
		tl.Leads = append(tl.Leads, sum)
		tl.Entries = append(tl.Entries, entriesOf(s)...)
	}
	sort.SliceStable(tl.Leads, func(i, j int) bool { return tl.Leads[i].SubmittedAt.Before(tl.Leads[j].SubmittedAt) })
	sort.SliceStable(tl.Entries, func(i, j int) bool { return tl.Entries[i].At.Before(tl.Entries[j].At) })
	return tl
}

func dedupe(sources []Source) []Source {
	live := map[string]bool{}
	for _, s := range sources {
		if !s.Archived {
			live[string(s.Lead.UID)] = true
		}
	}
	seen := map[string]bool{}
	var out []Source
	for _, s := range sources {
		uid := string(s.Lead.UID)
		if (s.Archived && live[uid]) || seen[uid] {
			continue
		}
		seen[uid] = true
		out = append(out, s)
	}
	return out
}

func entriesOf(s *Source) []Entry {
	l := s.Lead
	name := l.Namespace + "/" + l.Name
	var out []Entry
	add := func(at time.Time, channel, event, detail string) {
		out = append(out, Entry{At: at, Lead: name, Channel: channel, Event: event, Detail: detail})
	}
	add(leadfacts.SubmittedAt(l), "", "submitted", submittedDetail(l))
	if rc := l.Status.ReturningContact; rc != nil {
		add(leadfacts.SubmittedAt(l), "", "returning contact", fmt.Sprintf("earlier lead %s (%s), %d earlier in window", rc.PreviousLead, rc.PreviousPhase, rc.EarlierLeads))
	}
	for _, t := range l.Status.Touches {
		at := t.Due.Time
		if t.PerformedAt != nil {
			at = t.PerformedAt.Time
		}
		ch := t.Channel
		if t.PerformedBy == v1.PerformedByOwner {
			ch = "task"
		}
		detail := string(t.Result)
		if t.Template != "" {
			detail += ", template " + t.Template
		}
		if t.Round > 0 {
			detail += fmt.Sprintf(", reactivation %d", t.Round)
		}
		add(at, ch, fmt.Sprintf("touch %d %s", t.Number, t.Step), detail)
	}
	seen := map[string]bool{}
	for _, list := range [][]v1.InteractionEntry{l.Spec.Interactions, l.Status.Interactions, s.Inbox} {
		for _, in := range list {
			k := interactionKey(in)
			if seen[k] {
				continue
			}
			seen[k] = true
			add(in.At.Time, string(in.Medium), interactionEvent(in), interactionDetail(in))
		}
	}
	if e := l.Status.Earlier; e != nil && e.Entries > 0 {
		add(e.Through.Time, "", "earlier interactions", fmt.Sprintf("%d compacted (%d replies, %d delivered, %d read)", e.Entries, e.Replies, e.Delivered, e.Read))
	}
	if h := l.Status.HandedOffAt; h != nil {
		add(h.Time, "", "handed to owner", l.Status.Owner)
	}
	if d := l.Status.DormantSince; d != nil {
		event := "dormant"
		if l.Status.Phase == v1.PhaseFinished {
			event = "dormant (final)"
		}
		add(d.Time, "", event, "")
	}
	if o := l.Spec.Outcome; o != nil {
		detail := ""
		if o.Value != nil {
			detail = o.Value.Amount + " " + o.Value.Currency
		}
		if o.Reason != "" {
			detail = "reason: " + o.Reason
		}
		add(o.At.Time, "", strings.ToLower(string(o.Result)), detail)
	}
	if s.Archived && !s.ArchivedAt.IsZero() {
		add(s.ArchivedAt, "", "archived", "")
	}
	return out
}

func submittedDetail(l *v1.Lead) string {
	var parts []string
	src := l.Spec.Source
	for _, kv := range [][2]string{{"campaign", src.Campaign}, {"keyword", src.Keyword}, {"region", src.Region}, {"form", src.Form}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	if l.Spec.Product != "" {
		parts = append(parts, "product "+l.Spec.Product)
	}
	return strings.Join(parts, ", ")
}

func interactionKey(in v1.InteractionEntry) string {
	if in.ID != "" {
		return "id:" + in.ID
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s", in.At.UTC().Format(time.RFC3339), in.Kind, in.Medium, in.Direction, in.TouchKey)
}

func interactionEvent(in v1.InteractionEntry) string {
	e := strings.ToLower(string(in.Kind))
	if in.Direction != "" {
		e += " (" + strings.ToLower(string(in.Direction)) + ")"
	}
	return e
}

func interactionDetail(in v1.InteractionEntry) string {
	var parts []string
	if in.Quality != nil {
		parts = append(parts, fmt.Sprintf("quality %d", *in.Quality))
	}
	if in.HandToHuman {
		parts = append(parts, "asked for a person")
	}
	if in.By != "" {
		parts = append(parts, "by "+in.By)
	}
	return strings.Join(parts, ", ")
}
