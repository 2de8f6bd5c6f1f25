package leadrecord

import (
	"context"
	"errors"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Outcome says what CreateInteraction did.
type Outcome string

// Outcomes.
const (
	// Added: a new Interaction object holds the event.
	Added Outcome = "added"
	// Duplicate: the event (same lead, same id) was recorded before; nothing was written.
	Duplicate Outcome = "duplicate"
)

// ErrNoID: an event without an id cannot be recorded once, so it is not recorded.
var ErrNoID = errors.New("an interaction needs an id")

// CreateInteraction records one event on lead l as an Interaction object named
// InteractionName(l.Name, in.ID), owned by the lead (deleting the lead removes what was
// not yet folded). l must be the lead as read from the API server or a cache: its UID
// names the owner, and the ids it already holds answer Duplicate without a write.
// Errors are the API server's (Invalid, Forbidden, unavailable), unchanged.
func CreateInteraction(ctx context.Context, c client.Writer, l *v1.Lead, in v1.InteractionEntry) (Outcome, error) {
	if in.ID == "" {
		return "", ErrNoID
	}
	if holds(l, in.ID) {
		return Duplicate, nil
	}
	normalize(&in)
	obj := &v1.Interaction{
		ObjectMeta: metav1.ObjectMeta{Namespace: l.Namespace, Name: InteractionName(l.Name, in.ID),
			OwnerReferences: []metav1.OwnerReference{{APIVersion: v1.GroupVersion.String(), Kind: "Lead",
				Name: l.Name, UID: l.UID, BlockOwnerDeletion: ptr.To(false)}}},
		Spec: v1.InteractionSpec{Lead: l.Name, InteractionEntry: in},
	}
	err := c.Create(ctx, obj)
	switch {
	case err == nil:
		return Added, nil
	case apierrors.IsAlreadyExists(err):
		return Duplicate, nil
	}
	return "", err
}

// holds says whether the lead already holds an entry with this id: in spec (written by
// hand), in status (folded), or among the ids compacted out of status.
func holds(l *v1.Lead, id string) bool {
	for _, list := range [][]v1.InteractionEntry{l.Spec.Interactions, l.Status.Interactions} {
		for _, have := range list {
			if have.ID == id {
				return true
			}
		}
	}
	if e := l.Status.Earlier; e != nil {
		for _, have := range e.IDs {
			if have == id {
				return true
			}
		}
	}
	return false
}
