package chart

import (
	"reflect"
	"testing"
)

// TestMemoryLimitReachesTheOperator: the container's memory limit is passed to the
// operator through the downward API (FOLLOWUP_MEMORY_LIMIT, read by --memory-limit), so
// the Go heap stays under it; no limit, no variable (the downward API would otherwise
// give the node's whole memory).
func TestMemoryLimitReachesTheOperator(t *testing.T) {
	env := managerEnv(t, render(t, "fo", "followup-system"))
	want := obj{"containerName": "manager", "resource": "limits.memory"}
	if got := get(env["FOLLOWUP_MEMORY_LIMIT"], "valueFrom", "resourceFieldRef"); !reflect.DeepEqual(got, want) {
		t.Errorf("FOLLOWUP_MEMORY_LIMIT = %v, want resourceFieldRef %v", env["FOLLOWUP_MEMORY_LIMIT"], want)
	}
	for _, set := range []string{"resources.limits=null", "resources.limits.memory=null"} {
		if e, ok := managerEnv(t, render(t, "fo", "followup-system", set))["FOLLOWUP_MEMORY_LIMIT"]; ok {
			t.Errorf("--set %s: FOLLOWUP_MEMORY_LIMIT without a limit: %v", set, e)
		}
	}
	// With both, the archive's variable is still there.
	env = managerEnv(t, render(t, "fo", "followup-system", "archive.existingSecret=pg"))
	if _, ok := env["FOLLOWUP_ARCHIVE_DSN"]; !ok {
		t.Errorf("the archive's variable lost beside the memory limit: %v", env)
	}
}
