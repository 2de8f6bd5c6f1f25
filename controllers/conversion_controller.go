package controllers

import (
	"context"
	"errors"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/conversions"
	"github.com/followup-io/followup-operator/internal/secrets"
)

// ConversionReconciler uploads won leads of campaigns with spec.conversionUpload to
// Google Ads (internal/conversions decides and shapes; this is the glue: read the lead,
// its campaign and the credentials Secret, send, write the result to the lead's status
// under optimistic locking). The lead's UID is the transaction id, so an upload repeated
// after a crash or a lost status write is the same conversion to Google.
type ConversionReconciler struct {
	client.Client
	// Secrets reads the credentials Secret (the shared short-lived cache: Secrets are
	// not watched).
	Secrets  *secrets.Cache
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	HTTP     *http.Client
	// tokens keeps a service account's access token for its hour.
	tokens conversions.Tokens
}

// +kubebuilder:rbac:groups=followup.io,resources=leads,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=leads/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=followup.io,resources=campaigns,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Reconcile uploads one won lead when its upload is due.
func (r *ConversionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var l v1.Lead
	if err := r.Get(ctx, req.NamespacedName, &l); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	now := r.Clock.Now()
	due, at := conversions.Wants(&l, now)
	if !due {
		if !at.IsZero() {
			return ctrl.Result{RequeueAfter: max(at.Sub(now), time.Second)}, nil
		}
		return ctrl.Result{}, nil
	}
	camp := l.Spec.Source.Campaign
	if camp == "" {
		return ctrl.Result{}, nil
	}
	var c v1.Campaign
	if err := r.Get(ctx, client.ObjectKey{Namespace: l.Namespace, Name: camp}, &c); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	cu := c.Spec.ConversionUpload
	if cu == nil {
		return ctrl.Result{}, nil
	}
	o, reason, msg, reqID := r.attempt(ctx, &l, cu)
	changed := conversions.Apply(&l.Status, l.Generation, o, reason, msg, reqID, now)
	if err := r.Status().Update(ctx, &l); err != nil {
		// A conflict re-reads the lead; the repeated upload is the same transaction id.
		return ctrl.Result{}, err
	}
	log := ctrl.LoggerFrom(ctx)
	log.Info("conversion upload", "lead", req.NamespacedName, "outcome", o, "message", msg)
	if changed && r.Recorder != nil {
		typ := corev1.EventTypeNormal
		if o != conversions.Uploaded {
			typ = corev1.EventTypeWarning
		}
		r.Recorder.Eventf(&l, &c, typ, condReason(&l), "UploadConversion", "%s", msg)
	}
	if st := l.Status.ConversionUpload; st != nil && st.NextAttemptAt != nil {
		return ctrl.Result{RequeueAfter: max(st.NextAttemptAt.Sub(now), time.Second)}, nil
	}
	return ctrl.Result{}, nil
}

// attempt makes one upload; the message is an error class, never personal data.
func (r *ConversionReconciler) attempt(ctx context.Context, l *v1.Lead, cu *v1.ConversionUpload) (conversions.Outcome, string, string, string) {
	body, err := conversions.Build(l, cu)
	if errors.Is(err, conversions.ErrNoIdentifier) {
		return conversions.Permanent, v1.ReasonNoConversionID, err.Error(), ""
	}
	data, err := r.Secrets.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: cu.CredentialsRef.Name})
	switch {
	case apierrors.IsNotFound(err):
		return conversions.Transient, v1.ReasonCredentialsMissing, "Secret " + cu.CredentialsRef.Name + " not found", ""
	case err != nil:
		return conversions.Transient, "", "credentials could not be read", ""
	}
	hc := r.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	token, err := r.tokens.Token(ctx, hc, data)
	if err != nil {
		return conversions.Transient, v1.ReasonCredentialsMissing, err.Error(), ""
	}
	o, msg, id := conversions.Send(ctx, hc, cu.Endpoint, token, body.Marshal())
	return o, "", msg, id
}

func condReason(l *v1.Lead) string {
	for _, c := range l.Status.Conditions {
		if c.Type == v1.ConditionConversionUploaded {
			return c.Reason
		}
	}
	return ""
}

// SetupWithManager watches leads; only won leads are of interest.
func (r *ConversionReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	won := predicate.NewPredicateFuncs(func(o client.Object) bool {
		l, ok := o.(*v1.Lead)
		return ok && l.Spec.Outcome != nil && l.Spec.Outcome.Result == v1.OutcomeWon
	})
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1.Lead{}, builder.WithPredicates(won)).
		Named("conversion").
		Complete(r)
}
