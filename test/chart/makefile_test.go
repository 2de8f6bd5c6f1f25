package chart

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOneHelmVersion: the Makefile sets HELM_VERSION once (a second `?=` never takes
// effect and misleads), and bin/helm is that version.
func TestOneHelmVersion(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	sets := regexp.MustCompile(`(?m)^HELM_VERSION\s*[:?]?=\s*(\S+)`).FindAllStringSubmatch(string(b), -1)
	if len(sets) != 1 {
		t.Fatalf("the Makefile sets HELM_VERSION %d times, want once", len(sets))
	}
	out, err := helm(t, "version", "--template", "{{ .Version }}")
	if err != nil {
		t.Fatal(err)
	}
	// A go-installed helm reports major.minor, a released one the full version.
	want := sets[0][1]
	if got := strings.TrimSpace(out); !strings.HasPrefix(want, got) && !strings.HasPrefix(got, want) {
		t.Errorf("bin/helm is %s, the Makefile says %s: run make helm", got, want)
	}
}
