package main

import (
	"context"
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// created is what a load generator made: when each lead's create was sent, and errors.
type created struct {
	mu       sync.Mutex
	at       map[string]time.Time // lead name -> moment its create was sent
	errs     int
	firstErr error
	start    time.Time
	end      time.Time // when the last create (and its follow-up) returned
}

func (c *created) note(name string, at time.Time, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.errs++
		if c.firstErr == nil {
			c.firstErr = err
		}
		return
	}
	c.at[name] = at
}

// burstCreate creates n leads with the given number of workers as fast as the API
// server takes them; then (optional) runs after on each created lead in the same worker.
func burstCreate(ctx context.Context, c client.Client, n, workers int, mk func(i int) *v1.Lead,
	after func(context.Context, *v1.Lead) error) *created {
	out := &created{at: make(map[string]time.Time, n), start: time.Now()}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				l := mk(i)
				at := time.Now()
				err := c.Create(ctx, l)
				if err == nil && after != nil {
					err = after(ctx, l)
				}
				out.note(l.Name, at, err)
			}
		}()
	}
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	out.end = time.Now()
	return out
}

// steadyCreate creates rate leads per second for d, each create in its own goroutine so
// a slow answer never delays the next one: the offered load stays steady whatever the
// API server does. The count is fixed (rate x d), so it always ends.
func steadyCreate(ctx context.Context, c client.Client, rate int, d time.Duration, mk func(i int) *v1.Lead) *created {
	n := int(float64(rate) * d.Seconds())
	out := &created{at: make(map[string]time.Time, n), start: time.Now()}
	interval := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	for i := range n {
		// Pace against the schedule, not the previous send, so drift does not accumulate.
		if wait := time.Until(out.start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			l := mk(i)
			at := time.Now()
			out.note(l.Name, at, c.Create(ctx, l))
		}(i)
	}
	wg.Wait()
	out.end = time.Now()
	return out
}
