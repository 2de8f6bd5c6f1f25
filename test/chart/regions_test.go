package chart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleValuesPerRegion: each example values file lints and renders; its region is
// in every name; only eu installs CRDs; no two regions share a lease or an object.
func TestExampleValuesPerRegion(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(chartDir(), "examples", "*.yaml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("example values: %v %v", files, err)
	}
	leases := map[string]string{}
	names := map[string]string{}
	for _, f := range files {
		region := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if out, err := helm(t, "lint", chartDir(), "--strict", "-f", f); err != nil {
			t.Errorf("%s: helm lint: %v\n%s", region, err, out)
		}
		out, err := helm(t, "template", region, chartDir(), "-n", "followup-system", "-f", f)
		if err != nil {
			t.Fatalf("%s: %v\n%s", region, err, out)
		}
		docs := decode(t, out)
		lease, _ := argValue(args(t, docs), "--leader-election-id")
		if other, dup := leases[lease]; dup {
			t.Errorf("%s and %s share the lease %s", region, other, lease)
		}
		leases[lease] = region
		crds := len(kinds(docs, "CustomResourceDefinition"))
		if (region == "eu") != (crds == crdCount(t)) {
			t.Errorf("%s renders %d CRDs; only eu installs them", region, crds)
		}
		for _, d := range docs {
			if d["kind"] == "CustomResourceDefinition" {
				continue
			}
			name := get(d, "metadata", "name").(string)
			if !hasWord(name, region) {
				t.Errorf("%s: %s %s does not name its region", region, d["kind"], name)
			}
			key := d["kind"].(string) + "/" + strOr(get(d, "metadata", "namespace")) + "/" + name
			if other, dup := names[key]; dup {
				t.Errorf("%s and %s both render %s", region, other, key)
			}
			names[key] = region
		}
	}
	b, _ := os.ReadFile(filepath.Join(chartDir(), "examples", "na.yaml"))
	if strings.Contains(string(b), "intakeTokens: [") {
		t.Error("example values must not carry secrets")
	}
}

func hasWord(name, word string) bool {
	for _, w := range strings.Split(name, "-") {
		if w == word {
			return true
		}
	}
	return false
}

// TestRegionIsAWordOfEveryName: the region is added unless it is already a word of the
// name, so a release called europe still gets -eu and finance still gets -na.
func TestRegionIsAWordOfEveryName(t *testing.T) {
	for _, c := range []struct{ release, region, want string }{
		{"eu", "eu", "eu-followup-operator"},
		{"europe", "eu", "europe-followup-operator-eu"},
		{"finance", "na", "finance-followup-operator-na"},
		{"followup-na", "na", "followup-na"},
		{"fo", "", "fo-followup-operator"},
	} {
		sets := []string{}
		if c.region != "" {
			sets = append(sets, "region="+c.region)
		}
		dep := kinds(render(t, c.release, "followup-system", sets...), "Deployment")[0]
		if got := get(dep, "metadata", "name"); got != c.want {
			t.Errorf("release %s region %s: %v, want %s", c.release, c.region, got, c.want)
		}
	}
}
