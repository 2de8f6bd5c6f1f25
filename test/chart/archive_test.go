package chart

import (
	"reflect"
	"strings"
	"testing"

	"github.com/followup-io/followup-operator/internal/archive"
)

// managerEnv is the manager container's env, by name.
func managerEnv(t *testing.T, docs []obj) map[string]obj {
	t.Helper()
	c := get(kinds(docs, "Deployment")[0], "spec", "template", "spec", "containers").([]any)[0].(obj)
	out := map[string]obj{}
	env, _ := c["env"].([]any)
	for _, e := range env {
		out[get(e, "name").(string)] = e.(obj)
	}
	return out
}

// TestArchiveConnectionFromASecret: archive.existingSecret gives the operator the
// archive's connection string as FOLLOWUP_ARCHIVE_DSN from that Secret's key (dsn unless
// archive.key says otherwise), never as an argument or a value; nothing set, no archive.
func TestArchiveConnectionFromASecret(t *testing.T) {
	docs := render(t, "fo", "followup-system", "archive.existingSecret=followup-archive")
	env := managerEnv(t, docs)
	dsn, ok := env[archive.EnvDSN]
	if !ok {
		t.Fatalf("no %s in the manager's env: %v", archive.EnvDSN, env)
	}
	want := obj{"name": "followup-archive", "key": "dsn"}
	if got := get(dsn, "valueFrom", "secretKeyRef"); !reflect.DeepEqual(got, want) || dsn["value"] != nil {
		t.Errorf("%s = %v, want secretKeyRef %v", archive.EnvDSN, dsn, want)
	}
	for _, a := range args(t, docs) {
		if strings.HasPrefix(a, "--archive-dsn") {
			t.Errorf("the connection string belongs in the Secret, not the args: %s", a)
		}
	}
	if n := len(kinds(docs, "Secret")); n != 0 {
		t.Errorf("the chart must not create the archive Secret (%d Secrets rendered)", n)
	}

	other := managerEnv(t, render(t, "fo", "followup-system", "archive.existingSecret=pg-eu", "archive.key=url"))
	if got := get(other[archive.EnvDSN], "valueFrom", "secretKeyRef"); !reflect.DeepEqual(got, obj{"name": "pg-eu", "key": "url"}) {
		t.Errorf("archive.key=url: secretKeyRef %v", got)
	}

	// The defaults configure no archive: leads stay in the cluster.
	if _, ok := managerEnv(t, render(t, "fo", "followup-system"))[archive.EnvDSN]; ok {
		t.Errorf("an archive configured by default")
	}
	if _, ok := managerEnv(t, render(t, "fo", "followup-system", "archive.key=url"))[archive.EnvDSN]; ok {
		t.Errorf("a key without a Secret configured an archive")
	}

	// A password or connection string in the values, a Secret name that is no name, an
	// empty key: refused by the schema.
	for _, set := range []string{"archive.dsn=postgres://u:p@db/x", "archive.password=secret", "archive.existingSecret=Archive Secret", "archive.key="} {
		out, err := helm(t, "template", "x", chartDir(), "--set", set)
		if err == nil || !strings.Contains(out, "values don't meet the specifications of the schema") {
			t.Errorf("--set %s: err %v\n%s", set, err, out)
		}
	}
}

// TestNotesSayWhetherLeadsAreArchived: the release notes name the archive's Secret, or
// say that leads stay in the cluster.
func TestNotesSayWhetherLeadsAreArchived(t *testing.T) {
	if n := notes(t, "arch", "archive.existingSecret=followup-archive", "edge.enabled=false"); !strings.Contains(n,
		"Lead archive: PostgreSQL from Secret followup-archive, key dsn") {
		t.Errorf("notes with an archive:\n%s", n)
	}
	if n := notes(t, "noarch", "edge.enabled=false"); !strings.Contains(n, "No lead archive") || !strings.Contains(n, "every lead stays in the cluster") {
		t.Errorf("notes without an archive:\n%s", n)
	}
}
