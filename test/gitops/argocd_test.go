// Package gitops checks that GitOps tools read the operator's objects the way the docs
// say: Argo CD through the Lua health checks in config/argocd, Flux through kstatus.
// The objects come from a real API server, in the states the operator's own
// controllers put them in.
package gitops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/followup-io/followup-operator/internal/testenv"
)

// argoHealth is what Argo CD shows for an object.
type argoHealth struct{ Status, Message string }

// argoStatuses are the health codes Argo CD accepts from a script; anything else it
// shows as Unknown.
var argoStatuses = map[string]bool{"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true,
	"Missing": true, "Unknown": true}

// healthScripts reads config/argocd/argocd-cm.yaml: the scripts by kind.
func healthScripts(t *testing.T) map[string]string {
	t.Helper()
	root, err := testenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "config", "argocd", "argocd-cm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(b, &cm); err != nil {
		t.Fatal(err)
	}
	if cm.Name != "argocd-cm" || cm.Kind != "ConfigMap" {
		t.Fatalf("config/argocd/argocd-cm.yaml is %s %s, want the ConfigMap argocd-cm", cm.Kind, cm.Name)
	}
	out := map[string]string{}
	for key, script := range cm.Data {
		const prefix = "resource.customizations.health.followup.io_"
		if len(key) <= len(prefix) || key[:len(prefix)] != prefix {
			t.Fatalf("unexpected key %q", key)
		}
		out[key[len(prefix):]] = script
	}
	return out
}

// runHealth runs a health script the way Argo CD does (util/lua in argo-cd): a state
// with only the package, base and table libraries (configmap scripts get no string
// library), a one-second budget, the object as the global `obj`, and a returned table
// whose status must be one of Argo CD's health codes.
func runHealth(script string, obj map[string]any) (argoHealth, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return argoHealth{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return argoHealth{}, err
	}
	tbl, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return argoHealth{}, fmt.Errorf("the script returned %s, Argo CD wants a table", l.Get(-1).Type())
	}
	status, ok1 := tbl.RawGetString("status").(lua.LString)
	message, ok2 := tbl.RawGetString("message").(lua.LString)
	if !ok1 || (!ok2 && tbl.RawGetString("message") != lua.LNil) {
		return argoHealth{}, fmt.Errorf("status and message must be strings, got %s and %s",
			tbl.RawGetString("status").Type(), tbl.RawGetString("message").Type())
	}
	if !argoStatuses[string(status)] {
		return argoHealth{}, fmt.Errorf("status %q is not an Argo CD health code (Argo CD shows Unknown)", status)
	}
	return argoHealth{string(status), string(message)}, nil
}

// toLua converts a decoded object the way Argo CD's decodeValue does: numbers (JSON
// floats or the API machinery's int64) become Lua numbers, maps and lists tables.
func toLua(l *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case bool:
		return lua.LBool(x)
	case float64:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case int:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []any:
		t := l.CreateTable(len(x), 0)
		for _, item := range x {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(x))
		for k, item := range x {
			t.RawSetH(lua.LString(k), toLua(l, item))
		}
		return t
	}
	return lua.LNil
}

func TestArgoCDHealthScriptsCoverEveryKindWithStatus(t *testing.T) {
	got := healthScripts(t)
	for _, kind := range []string{"FollowUpPolicy", "Lead", "Campaign", "Channel"} {
		if got[kind] == "" {
			t.Errorf("no health check for %s", kind)
		}
	}
	if len(got) != 4 {
		t.Errorf("%d health checks, want one per kind with status (Interaction has none)", len(got))
	}
}
