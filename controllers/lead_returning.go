package controllers

import (
	"context"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/log"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/metrics"
)

// linkReturningContact records, on a lead that has had no touch yet, whether it is a
// returning contact (status.returningContact), before the transition plans its first
// touch, whose template the link may change. A failed lookup is logged and tried again
// on the next reconcile; it never holds up the cadence. A lead found to be new is not
// looked up again while it waits for its first touch (a night lead wakes several times):
// it is remembered until it has a touch or is gone, so the set holds only waiting leads.
func (r *LeadReconciler) linkReturningContact(ctx context.Context, l *v1.Lead, p *v1.FollowUpPolicy) {
	key := client.ObjectKeyFromObject(l)
	if l.Status.ReturningContact != nil || len(l.Status.Touches) > 0 {
		r.newContacts.Delete(key)
		return
	}
	if uid, known := r.newContacts.Load(key); known && uid == l.UID {
		return
	}
	link, err := ReturningContact(ctx, r.Client, r.Archive, l, p.Spec.ReturningContact)
	if err != nil {
		metrics.ArchiveError("read")
		log.FromContext(ctx).Error(err, "looking up a returning contact")
		return
	}
	if link == nil {
		r.newContacts.Store(key, l.UID)
	}
	l.Status.ReturningContact = link
}

// announceReturning emits ReturningContact once, when a write recorded the link.
func (r *LeadReconciler) announceReturning(l *v1.Lead, read *v1.LeadStatus) {
	rc := l.Status.ReturningContact
	if rc == nil || read.ReturningContact != nil || r.Recorder == nil {
		return
	}
	where := "live"
	if rc.Archived {
		where = "archived"
	}
	r.Recorder.Eventf(l, nil, "Normal", v1.EventReturningContact, "Link",
		"returning contact: earlier lead %s (%s, %s, last active %s), matched by %s", rc.PreviousLead, where,
		rc.PreviousPhase, rc.LastActiveAt.UTC().Format(time.RFC3339), rc.MatchedBy)
}
