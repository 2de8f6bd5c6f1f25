package cadence

import (
	"sort"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// LifecycleStage is the lead's age band, which sets how many touches a week it tolerates.
type LifecycleStage string

// Lifecycle stages by age since submission: new 0-7 days, active 8-30, silent after 30.
const (
	StageNew    LifecycleStage = "new"
	StageActive LifecycleStage = "active"
	StageSilent LifecycleStage = "silent"
)

// lifecycleAt is the lead's stage at t.
func lifecycleAt(submitted, t time.Time) LifecycleStage {
	switch age := t.Sub(submitted); {
	case age < 8*day:
		return StageNew
	case age < 31*day:
		return StageActive
	default:
		return StageSilent
	}
}

func capFor(c v1.WeeklyCaps, st LifecycleStage) int {
	switch st {
	case StageNew:
		return int(c.New)
	case StageActive:
		return int(c.Active)
	}
	return int(c.Silent)
}

// stageEnd is when a stage gives way to the next (zero for silent, which never ends).
func stageEnd(submitted time.Time, st LifecycleStage) time.Time {
	switch st {
	case StageNew:
		return submitted.Add(8 * day)
	case StageActive:
		return submitted.Add(31 * day)
	}
	return time.Time{}
}

// withinCaps moves a due time forward, inside business hours, until the touches made in
// the 7 days before it are fewer than the cap of the stage the lead is in then. It
// returns zero when no time ever qualifies (a zero cap in the silent stage).
func withinCaps(due time.Time, touched []time.Time, caps v1.WeeklyCaps, submitted time.Time, sched *Schedule) time.Time {
	sorted := append([]time.Time(nil), touched...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Before(sorted[j]) })
	// Each pass either returns or moves due past a touch or a stage boundary, so a few
	// dozen passes cover any bounded touch list.
	for i := 0; i < 100; i++ {
		due = sched.Next(due)
		st := lifecycleAt(submitted, due)
		limit := capFor(caps, st)
		if limit == 0 {
			end := stageEnd(submitted, st)
			if end.IsZero() {
				return time.Time{}
			}
			due = end
			continue
		}
		var window []time.Time
		for _, t := range sorted {
			if t.After(due.Add(-week)) && !t.After(due) {
				window = append(window, t)
			}
		}
		if len(window) < limit {
			return due
		}
		// The earliest moment the window holds one touch fewer than the cap.
		due = window[len(window)-limit].Add(week + time.Second)
	}
	return time.Time{}
}
