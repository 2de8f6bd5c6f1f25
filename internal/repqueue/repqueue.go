// Package repqueue decides what a rep's queue page shows: of the leads a rep owns,
// which need them now (a call task due), which are late (a task past its deadline),
// whose first-response SLA is about to run out, and which were handed to them by the
// cadence (a buying reply). It is pure: leads and the time are passed in.
package repqueue

import (
	"sort"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Section is one part of the queue.
type Section string

// Sections, in the order the page shows them.
const (
	Overdue   Section = "overdue"
	SLAAtRisk Section = "sla-at-risk"
	DueNow    Section = "due-now"
	HandedOff Section = "handed-off"
)

// Sections in page order.
var Sections = []Section{Overdue, SLAAtRisk, DueNow, HandedOff}

// Title is a section's heading.
func (s Section) Title() string {
	switch s {
	case Overdue:
		return "Overdue"
	case SLAAtRisk:
		return "SLA at risk"
	case DueNow:
		return "Due now"
	case HandedOff:
		return "Handed off to you"
	}
	return string(s)
}

// DefaultAtRisk is how close to its first-response deadline a lead counts as at risk.
const DefaultAtRisk = time.Hour

// Item is one lead on the page.
type Item struct {
	Namespace, Name, Company string
	Phase                    v1.LeadPhase
	Stage                    string
	// TouchKey is the open task's key; the page's buttons record on it.
	TouchKey string
	// When is what the section is about: the task's due time or deadline, the SLA
	// deadline, the hand-off.
	When time.Time
}

// Queue is a rep's page.
type Queue map[Section][]Item

// Total is the number of leads on the page.
func (q Queue) Total() int {
	n := 0
	for _, items := range q {
		n += len(items)
	}
	return n
}

// Owner is who owns a lead: the status's owner (assigned by the controller), else the spec's.
func Owner(l *v1.Lead) string {
	if l.Status.Owner != "" {
		return l.Status.Owner
	}
	return l.Spec.Owner
}

// Build sorts rep's open leads into sections at now; each lead appears in at most one
// (the first that applies of overdue, SLA at risk, due now, handed off). atRisk <= 0 is
// DefaultAtRisk. Closed leads (an outcome) are never shown.
func Build(leads []v1.Lead, rep string, now time.Time, atRisk time.Duration) Queue {
	if atRisk <= 0 {
		atRisk = DefaultAtRisk
	}
	q := Queue{}
	for i := range leads {
		l := &leads[i]
		if Owner(l) != rep || l.Spec.Outcome != nil || !l.DeletionTimestamp.IsZero() {
			continue
		}
		sec, when, key, ok := place(l, now, atRisk)
		if !ok {
			continue
		}
		q[sec] = append(q[sec], Item{Namespace: l.Namespace, Name: l.Name, Company: l.Spec.Contact.Company,
			Phase: l.Status.Phase, Stage: l.Status.Stage, TouchKey: key, When: when})
	}
	for _, items := range q {
		sort.SliceStable(items, func(i, j int) bool {
			if !items[i].When.Equal(items[j].When) {
				return items[i].When.Before(items[j].When)
			}
			return items[i].Name < items[j].Name
		})
	}
	return q
}

func place(l *v1.Lead, now time.Time, atRisk time.Duration) (Section, time.Time, string, bool) {
	task := openTask(l)
	if task != nil {
		if task.OverdueActions > 0 || (task.TaskDeadline != nil && !now.Before(task.TaskDeadline.Time)) {
			when := task.Due.Time
			if task.TaskDeadline != nil {
				when = task.TaskDeadline.Time
			}
			return Overdue, when, task.Key, true
		}
	}
	key := ""
	if task != nil {
		key = task.Key
	}
	if fr := l.Status.FirstResponse; fr.State == v1.SLAPending && fr.ContactedAt == nil && fr.Deadline != nil &&
		fr.Deadline.Sub(now) <= atRisk {
		return SLAAtRisk, fr.Deadline.Time, key, true
	}
	if task != nil && !now.Before(task.Due.Time) {
		return DueNow, task.Due.Time, key, true
	}
	if l.Status.Phase == v1.PhaseHandedOff {
		var when time.Time
		if l.Status.HandedOffAt != nil {
			when = l.Status.HandedOffAt.Time
		}
		return HandedOff, when, key, true
	}
	return "", time.Time{}, "", false
}

// openTask is the newest task assigned and not yet done.
func openTask(l *v1.Lead) *v1.TouchRecord {
	for i := len(l.Status.Touches) - 1; i >= 0; i-- {
		if l.Status.Touches[i].Result == v1.TouchTaskAssigned {
			return &l.Status.Touches[i]
		}
	}
	return nil
}
