package controllers

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/assign"
)

// RepLoads is how many leads each rep holds per campaign, counted from the leads the
// informer sees plus the assignments made but not yet seen (kueue's "assume"): a rep's
// slot is reserved before the lead's write, so two workers never take one rep's last
// slot, and no recompute can erase a reservation. Campaign status only displays it.
type RepLoads struct {
	mu     sync.Mutex
	byLead map[types.NamespacedName]leadLoad
	counts map[types.NamespacedName]map[string]*assign.Load // campaign -> rep -> load
	// waiting are the open leads of each campaign that no rep could take; when a rep's
	// lead closes, freed says which campaign has room again.
	waiting map[types.NamespacedName]map[string]bool
	freed   chan event.GenericEvent
}

// leadLoad is what one lead counts for.
type leadLoad struct {
	campaign string
	owner    string
	open     bool
	// assumed: an assignment this process made whose write the informer has not
	// shown yet; older informer news does not undo it.
	assumed bool
}

// NewRepLoads makes an empty view.
func NewRepLoads() *RepLoads {
	return &RepLoads{byLead: map[types.NamespacedName]leadLoad{}, counts: map[types.NamespacedName]map[string]*assign.Load{},
		waiting: map[types.NamespacedName]map[string]bool{}, freed: make(chan event.GenericEvent, 256)}
}

// Handler feeds the view from the lead informer.
func (v *RepLoads) Handler() toolscache.ResourceEventHandler {
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { v.observe(o, false) },
		UpdateFunc: func(_, o any) { v.observe(o, false) },
		DeleteFunc: func(o any) { v.observe(o, true) },
	}
}

func (v *RepLoads) observe(o any, deleted bool) {
	if d, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		o, deleted = d.Obj, true
	}
	l, ok := o.(*v1.Lead)
	if !ok {
		return
	}
	key := types.NamespacedName{Namespace: l.Namespace, Name: l.Name}
	v.mu.Lock()
	defer v.mu.Unlock()
	if deleted {
		v.wait(key, "", false)
		v.set(key, leadLoad{})
		return
	}
	seen := leadLoad{campaign: l.Spec.Source.Campaign, owner: l.Status.Owner, open: l.Status.Phase.Open() && l.Spec.Outcome == nil}
	v.wait(key, l.Spec.Source.Campaign, seen.open && seen.owner == "" && l.Spec.Owner == "")
	if cur := v.byLead[key]; cur.assumed && cur.owner != seen.owner {
		return // our assignment's write has not reached the cache yet
	}
	v.set(key, seen)
}

// wait notes whether a lead waits for a rep with room. Callers hold mu.
func (v *RepLoads) wait(key types.NamespacedName, campaign string, waiting bool) {
	for c, m := range v.waiting { // a lead moved to another campaign, or no longer waits
		if m[key.Name] && (c.Namespace == key.Namespace) && (!waiting || c.Name != campaign) {
			delete(m, key.Name)
			if len(m) == 0 {
				delete(v.waiting, c)
			}
		}
	}
	if waiting && campaign != "" {
		c := types.NamespacedName{Namespace: key.Namespace, Name: campaign}
		if v.waiting[c] == nil {
			v.waiting[c] = map[string]bool{}
		}
		v.waiting[c][key.Name] = true
	}
}

// set replaces what a lead counts for. Callers hold mu.
func (v *RepLoads) set(key types.NamespacedName, now leadLoad) {
	if prev, ok := v.byLead[key]; ok && prev.owner != "" && prev.campaign != "" {
		l := v.load(key.Namespace, prev.campaign, prev.owner)
		l.Total--
		if prev.open {
			l.Open--
			if !now.open || now.owner != prev.owner {
				v.free(key.Namespace, prev.campaign)
			}
		}
	}
	if now.owner == "" || now.campaign == "" {
		delete(v.byLead, key)
		return
	}
	l := v.load(key.Namespace, now.campaign, now.owner)
	l.Total++
	if now.open {
		l.Open++
	}
	v.byLead[key] = now
}

func (v *RepLoads) load(ns, campaign, rep string) *assign.Load {
	c := types.NamespacedName{Namespace: ns, Name: campaign}
	m := v.counts[c]
	if m == nil {
		m = map[string]*assign.Load{}
		v.counts[c] = m
	}
	l := m[rep]
	if l == nil {
		l = &assign.Load{}
		m[rep] = l
	}
	return l
}

// Reservation is a rep taken for a lead; Release undoes it when the lead's write fails.
type Reservation struct {
	v    *RepLoads
	key  types.NamespacedName
	prev leadLoad
	had  bool
}

// Take picks a rep for the lead from its campaign (other than exclude) by the
// campaign's strategy and reserves the slot at once.
func (v *RepLoads) Take(lead types.NamespacedName, c *v1.Campaign, exclude string) (string, *Reservation, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	loads := map[string]assign.Load{}
	for rep, l := range v.counts[types.NamespacedName{Namespace: c.Namespace, Name: c.Name}] {
		loads[rep] = *l
	}
	prev, had := v.byLead[lead]
	if had && prev.campaign == c.Name && prev.owner != "" {
		// The lead's current rep does not count it twice while it is being moved.
		l := loads[prev.owner]
		l.Total--
		if prev.open {
			l.Open--
		}
		loads[prev.owner] = l
	}
	rep, ok := assign.Pick(c.Spec.Reps, c.Spec.Assignment, loads, exclude)
	if !ok {
		return "", nil, false
	}
	v.set(lead, leadLoad{campaign: c.Name, owner: rep, open: true, assumed: true})
	return rep, &Reservation{v: v, key: lead, prev: prev, had: had}, true
}

// Release gives a reserved slot back.
func (r *Reservation) Release() {
	if r == nil {
		return
	}
	r.v.mu.Lock()
	defer r.v.mu.Unlock()
	if r.had {
		r.v.set(r.key, r.prev)
	} else {
		r.v.set(r.key, leadLoad{})
	}
}

// free tells the lead controller that a campaign with waiting leads has room again.
// Callers hold mu; the send never blocks (a full channel means wake-ups are pending).
func (v *RepLoads) free(ns, campaign string) {
	if len(v.waiting[types.NamespacedName{Namespace: ns, Name: campaign}]) == 0 {
		return
	}
	c := &v1.Campaign{}
	c.Namespace, c.Name = ns, campaign
	select {
	case v.freed <- event.GenericEvent{Object: c}:
	default:
	}
}

// Waiting are the leads of a campaign that wait for a rep with room.
func (v *RepLoads) Waiting(ns, campaign string) []types.NamespacedName {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []types.NamespacedName
	for name := range v.waiting[types.NamespacedName{Namespace: ns, Name: campaign}] {
		out = append(out, types.NamespacedName{Namespace: ns, Name: name})
	}
	return out
}

// Loads are the open leads of each rep of a campaign, for its status.
func (v *RepLoads) Loads(ns, campaign string) map[string]int32 {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string]int32{}
	for rep, l := range v.counts[types.NamespacedName{Namespace: ns, Name: campaign}] {
		out[rep] = int32(l.Open)
	}
	return out
}
