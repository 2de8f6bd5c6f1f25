package cadence

import (
	"fmt"
	"strings"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// stageText derives the stage people read from the lead's phase, round and step.
func stageText(st *v1.LeadStatus, steps []v1.Step, stop v1.StopEvent, taskOverdue bool) string {
	switch st.Phase {
	case v1.PhaseInCadence, v1.PhaseAwaitingTask:
		if st.Step < 1 || int(st.Step) > len(steps) {
			return string(st.Phase)
		}
		s := fmt.Sprintf("%d/%d %s", st.Step, st.Steps, steps[st.Step-1].Name)
		if st.Round > 0 {
			s = fmt.Sprintf("reactivation %d: %s", st.Round, s)
		}
		if st.Phase == v1.PhaseAwaitingTask {
			if taskOverdue {
				return s + " (task overdue)"
			}
			return s + " (task open)"
		}
		return s
	case v1.PhaseDormant:
		return "dormant"
	case v1.PhaseFinished:
		return "dormant (final)"
	case v1.PhaseHandedOff:
		return "handed-off"
	case v1.PhaseStopped:
		return "stopped: " + strings.ToLower(string(stop))
	case v1.PhaseOutOfOffice:
		return "out of office"
	}
	return strings.ToLower(string(st.Phase))
}
