package plugin

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

// maxForgetKeys bounds the widening (beyond the keys given): a person has a few
// addresses and numbers; dozens mean a shared number (a switchboard, a reseller) links
// other people, and erasing them all needs a human's look first.
const maxForgetKeys = 20

// contactClosure widens the given keys to every email address and phone number on a
// lead (live or archived) that holds one of them, until no new key appears: the
// person's whole footprint, so a lead with the same phone and another email is erased
// too. Company domains never widen it.
func contactClosure(keys []contactkey.Key, live []v1.Lead, archived func([]contactkey.Key) ([]archive.Record, error)) ([]contactkey.Key, error) {
	have := map[contactkey.Key]bool{}
	out := append([]contactkey.Key(nil), keys...)
	for _, k := range keys {
		have[k] = true
	}
	add := func(c v1.Contact) {
		for _, k := range contactkey.Identity(c) {
			if !have[k] {
				have[k] = true
				out = append(out, k)
			}
		}
	}
	for {
		before := len(out)
		for i := range live {
			if contactkey.Matches(live[i].Spec.Contact, out) {
				add(live[i].Spec.Contact)
			}
		}
		recs, err := archived(out)
		if err != nil {
			return nil, err
		}
		for i := range recs {
			add(recs[i].Lead.Spec.Contact)
		}
		if len(out)-len(keys) > maxForgetKeys {
			return nil, fmt.Errorf("the contact's leads link %d more email addresses and numbers (more than %d: a shared number?); "+
				"erase without --follow-links, naming each address and number of the person", len(out)-len(keys), maxForgetKeys)
		}
		if len(out) == before {
			return out, nil
		}
	}
}

// reachedBeyond says how many more leads the widened keys reach than the erasure does
// ("3 more leads"), or that the widening stopped at its bound; "" when none.
func reachedBeyond(leads []v1.Lead, wide []contactkey.Key, wideErr error, erased map[string]bool,
	archived func([]contactkey.Key) ([]archive.Record, error)) (string, error) {
	if wideErr != nil {
		return fmt.Sprintf("more than %d other email addresses and numbers", maxForgetKeys), nil
	}
	n := 0
	for i := range leads {
		if !erased[string(leads[i].UID)] && contactkey.Matches(leads[i].Spec.Contact, wide) {
			n++
		}
	}
	recs, err := archived(wide)
	if err != nil {
		return "", err
	}
	for i := range recs {
		if !erased[string(recs[i].Lead.UID)] {
			n++
		}
	}
	if n == 0 {
		return "", nil
	}
	return fmt.Sprintf("%d more leads", n), nil
}

// linkedSurvivors are the leads not being erased whose returning-contact link points
// at one that is.
func linkedSurvivors(leads []v1.Lead, erased map[string]bool) []*v1.Lead {
	var out []*v1.Lead
	for i := range leads {
		l := &leads[i]
		rc := l.Status.ReturningContact
		if !erased[string(l.UID)] && rc != nil && erased[rc.PreviousUID] {
			out = append(out, l)
		}
	}
	return out
}

// unlink removes a lead's returning-contact link with a merge patch of its status,
// which leaves every other status field as the controller wrote it.
func unlink(ctx context.Context, c client.Client, l *v1.Lead) error {
	base := l.DeepCopy()
	l.Status.ReturningContact = nil
	return client.IgnoreNotFound(c.Status().Patch(ctx, l, client.MergeFrom(base)))
}
