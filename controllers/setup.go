package controllers

import (
	"context"
	"fmt"
	"github.com/followup-io/followup-operator/internal/secrets"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/eventrecorder"
	"github.com/followup-io/followup-operator/internal/indexes"
	"github.com/followup-io/followup-operator/internal/senders"
)

// Options configure the controllers.
type Options struct {
	// Concurrency is how many leads are reconciled in parallel.
	Concurrency int
	// Clock drives every timer; the real clock when nil.
	Clock clock.PassiveClock
	// MaxRateWait is how long a send waits for its channel's rate limit before it is
	// deferred to the limit's next slot (it waits on a send lane, not a reconcile worker).
	MaxRateWait time.Duration
	// CountSettle is how long a touch waits before it is written into its channel's
	// counters; DefaultCountSettle when zero.
	CountSettle time.Duration
	// Archive is the PostgreSQL lead archive; nil: no lead is archived, campaign
	// measures count live leads only, and returning contacts are found among live leads.
	Archive *archive.Store
	// Links signs the action links of task and notice messages (nil: none).
	Links *actionlink.Source
}

// EventReporter is the reportingController of the operator's Events.
const EventReporter = "followup-operator"

// Setup registers the field indexes, the senders and the four controllers with the
// manager.
func Setup(mgr ctrl.Manager, o Options) error {
	ctx := context.Background()
	clk := o.Clock
	if clk == nil {
		clk = clock.RealClock{}
	}
	if o.MaxRateWait <= 0 {
		o.MaxRateWait = 30 * time.Second
	}
	if err := indexes.Setup(ctx, mgr.GetFieldIndexer()); err != nil {
		return fmt.Errorf("registering field indexes: %w", err)
	}
	// Our own recorder, not mgr.GetEventRecorder: client-go's broadcaster caches every
	// Event for series detection, which transitions-only Events never need.
	// Its own client, so its own client-side rate limit as the broadcaster had: Events
	// never take the QPS that status writes need.
	events, err := client.New(rest.CopyConfig(mgr.GetConfig()), client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return fmt.Errorf("the events client: %w", err)
	}
	recorder := eventrecorder.New(events, mgr.GetScheme(), EventReporter,
		eventrecorder.Options{Log: mgr.GetLogger().WithName("events")})
	if err := mgr.Add(recorder); err != nil {
		return fmt.Errorf("adding the event recorder: %w", err)
	}

	// Counters and rep loads are read off the lead informer.
	stats := NewChannelStats(clk)
	if o.CountSettle > 0 {
		stats.Settle = o.CountSettle
	}
	loads := NewRepLoads()
	leads, err := mgr.GetCache().GetInformer(ctx, &v1.Lead{})
	if err != nil {
		return err
	}
	if _, err := leads.AddEventHandler(stats.Handler()); err != nil {
		return err
	}
	waiting := NewChannelWaiting()
	if _, err := leads.AddEventHandler(waiting.Handler()); err != nil {
		return err
	}
	if _, err := leads.AddEventHandler(loads.Handler()); err != nil {
		return err
	}

	// Senders find channels in the cache and read Secrets straight from the API server.
	creds := &secrets.Cache{Reader: mgr.GetAPIReader(), Clock: clk}
	router := senders.NewRouter(ChannelLookup{Channels: mgr.GetClient(), Secrets: creds}, stats,
		senders.WithMaxRateWait(o.MaxRateWait), senders.WithActionLinks(o.Links))

	if err := (&FollowUpPolicyReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: recorder}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the policy controller: %w", err)
	}
	if err := (&ChannelReconciler{Client: mgr.GetClient(), Secrets: mgr.GetAPIReader(), Recorder: recorder,
		Stats: stats, Waiting: waiting, Clock: clk}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the channel controller: %w", err)
	}
	leadReconciler := &LeadReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: recorder, Clock: clk, Dispatcher: router,
		Sends: NewSendQueue(clk, false), Loads: loads, Revisions: NewPolicyRevisions(mgr.GetClient(), mgr.GetAPIReader())}
	if o.Archive != nil { // never a typed nil in the interface
		leadReconciler.Archive = o.Archive
	}
	if err := leadReconciler.SetupWithManager(mgr, o.Concurrency); err != nil {
		return fmt.Errorf("setting up the lead controller: %w", err)
	}
	if err := (&ConversionReconciler{Client: mgr.GetClient(), Secrets: creds, Recorder: recorder,
		Clock: clk}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the conversion upload controller: %w", err)
	}
	campaigns := &CampaignReconciler{Client: mgr.GetClient(), Recorder: recorder, Clock: clk, Loads: loads}
	if o.Archive != nil {
		campaigns.Archive = o.Archive
		if err := (&RetentionReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Archive: o.Archive,
			Recorder: recorder, Clock: clk}).SetupWithManager(mgr, o.Concurrency); err != nil {
			return fmt.Errorf("setting up the retention controller: %w", err)
		}
	}
	if err := campaigns.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the campaign controller: %w", err)
	}
	return nil
}
