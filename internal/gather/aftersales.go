package gather

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
)

// AfterSales is the after-sales policy a won lead follows under its sales policy p
// (p's spec.afterSales.policyRef), or nil when the lead is not won or p names none. A
// policy that is missing or not ready is returned as a Problem: it blocks the
// after-sales cadence, never the lead. Other errors are to be retried.
func AfterSales(ctx context.Context, r client.Reader, l *v1.Lead, p *v1.FollowUpPolicy) (*cadence.AfterSalesInput, error) {
	if l.Spec.Outcome == nil || l.Spec.Outcome.Result != v1.OutcomeWon || p.Spec.AfterSales == nil {
		return nil, nil
	}
	name := p.Spec.AfterSales.PolicyRef
	in := &cadence.AfterSalesInput{Name: name}
	var as v1.FollowUpPolicy
	err := r.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &as)
	switch {
	case apierrors.IsNotFound(err):
		in.Problem = fmt.Sprintf("after-sales policy %q not found in namespace %s", name, l.Namespace)
		return in, nil
	case err != nil:
		return nil, err
	}
	ready := meta.FindStatusCondition(as.Status.Conditions, v1.ConditionReady)
	switch {
	case ready == nil || as.Status.ObservedGeneration != as.Generation:
		in.Problem = fmt.Sprintf("after-sales policy %q is not yet validated", name)
	case ready.Status != "True":
		in.Problem = fmt.Sprintf("after-sales policy %q is not ready: %s", name, ready.Message)
	case len(as.Spec.Steps) == 0 || as.Spec.Steps[0].Trigger == nil:
		in.Problem = fmt.Sprintf("policy %q is no after-sales policy: its steps have no trigger", name)
	default:
		in.Policy, in.Revision = &as.Spec, as.Status.StepsRevision
	}
	return in, nil
}
