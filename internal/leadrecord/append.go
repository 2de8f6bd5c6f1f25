// Package leadrecord appends to a lead's append-only interaction record, the one write
// shared by the inbound edge and the kubectl plugin: optimistic locking with conflict
// retries, so concurrent recorders all land, and idempotency by event id.
package leadrecord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// ReceiptRoom is how full the record may be before delivery and read receipts are no
// longer recorded, keeping the last places for replies, bounces and unsubscribes.
const ReceiptRoom = 150

// Results of Append.
var (
	ErrNotFound = errors.New("lead not found")
	ErrFull     = fmt.Errorf("lead already holds the maximum of %d interactions", v1.MaxInteractions)
)

// Outcome says what Append did.
type Outcome string

// Outcomes.
const (
	Added     Outcome = "added"
	Duplicate Outcome = "duplicate" // an entry with the same id is recorded
	Skipped   Outcome = "skipped"   // a receipt, and the record is near its bound
)

// conflictBackoff lets many recorders on one lead (a team, a burst of webhooks) all land.
var conflictBackoff = wait.Backoff{Steps: 40, Duration: 10 * time.Millisecond, Factor: 1.3, Jitter: 1, Cap: time.Second}

// leadLocks serialises appends to one lead within this process, so a burst of events for
// one lead queues instead of starving in conflict retries; retries still cover writers in
// other processes.
var leadLocks sync.Map // client.ObjectKey -> *sync.Mutex

// Append adds in to the lead's spec.interactions. Reads go to r (uncached, so a retry
// sees the newest lead).
func Append(ctx context.Context, r client.Reader, w client.Writer, key client.ObjectKey, in v1.InteractionEntry) (Outcome, error) {
	mu, _ := leadLocks.LoadOrStore(key, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	var out Outcome
	err := retry.RetryOnConflict(conflictBackoff, func() error {
		var l v1.Lead
		if err := r.Get(ctx, key, &l); err != nil {
			if apierrors.IsNotFound(err) {
				return fmt.Errorf("%w: %q in namespace %q", ErrNotFound, key.Name, key.Namespace)
			}
			return err
		}
		for _, have := range l.Spec.Interactions {
			if in.ID != "" && have.ID == in.ID {
				out = Duplicate
				return nil
			}
		}
		n := len(l.Spec.Interactions)
		if n >= ReceiptRoom && (in.Kind == v1.InteractionDelivered || in.Kind == v1.InteractionRead) {
			out = Skipped
			return nil
		}
		if n >= v1.MaxInteractions {
			return ErrFull
		}
		l.Spec.Interactions = append(l.Spec.Interactions, in)
		out = Added
		return w.Update(ctx, &l)
	})
	return out, err
}
