package plugin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin"
	"github.com/followup-io/followup-operator/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	var err error
	env, err = testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

const ns = "plugin"

func setup(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	_ = env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Email: "x@example.com"}, Policy: "any"}}
	if err := env.Client.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
}

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := plugin.Run(context.Background(), args, plugin.Env{Out: &out, Err: &errb,
		Connect: func(_, _, namespace string) (client.Client, string, string, error) {
			if namespace == "" {
				namespace = ns
			}
			return env.Client, namespace, "rep-anna", nil
		}})
	return code, out.String(), errb.String()
}

func lead(t *testing.T, name string) *v1.Lead {
	t.Helper()
	var l v1.Lead
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &l); err != nil {
		t.Fatal(err)
	}
	return &l
}

func TestRecordAppendsWhatTheRepSays(t *testing.T) {
	setup(t, "rec")
	cases := []struct {
		args []string
		kind v1.InteractionKind
	}{
		{[]string{"record", "rec", "--call", "--no-answer", "--at", "-1h"}, v1.InteractionCallNoAnswer},
		{[]string{"record", "--call", "--connected", "rec"}, v1.InteractionCallConnected},
		{[]string{"record", "rec", "--reply", "--quality", "2", "--medium", "whatsapp"}, v1.InteractionReply},
		{[]string{"-n", ns, "record", "rec", "--meeting"}, v1.InteractionMeetingBooked},
	}
	for i, c := range cases {
		args := c.args
		if args[0] == "-n" { // global flags may also follow the command
			args = append(args[2:], "-n", ns)
		}
		code, out, errs := run(args...)
		if code != plugin.ExitOK || !strings.Contains(out, "recorded "+string(c.kind)) {
			t.Fatalf("%v: code %d out %q err %q", c.args, code, out, errs)
		}
		got := recorded(t, "rec")
		if len(got) != i+1 || got[i].Kind != c.kind || got[i].By != "rep-anna" {
			t.Fatalf("%v: interactions %+v", c.args, got)
		}
	}
	got := recorded(t, "rec")
	if got[0].Medium != "Phone" || got[0].Direction != v1.Outbound {
		t.Errorf("call: %+v", got[0])
	}
	if got[2].Quality == nil || *got[2].Quality != 2 || got[2].Medium != "WhatsApp" || got[2].Direction != v1.Inbound {
		t.Errorf("reply: %+v", got[2])
	}
}

func TestRecordWithAnIDIsIdempotent(t *testing.T) {
	setup(t, "idem")
	for i := 0; i < 2; i++ {
		if code, out, errs := run("record", "idem", "--bounce", "--id", "crm-42"); code != 0 {
			t.Fatalf("code %d %s %s", code, out, errs)
		} else if i == 1 && !strings.Contains(out, "already recorded") {
			t.Errorf("second run said %q", out)
		}
	}
	if n := len(recorded(t, "idem")); n != 1 {
		t.Errorf("%d interactions, want 1", n)
	}
}

// TestRecordWithoutAnIDRecordsTheSameEventOnce: an entry gets an id derived from what it
// says, so a command repeated after a timeout records once, while another time is
// another event.
func TestRecordWithoutAnIDRecordsTheSameEventOnce(t *testing.T) {
	setup(t, "twice")
	at := "2026-11-20T14:30:00+01:00"
	for i, args := range [][]string{
		{"record", "twice", "--call", "--no-answer", "--at", at},
		{"record", "twice", "--call", "--no-answer", "--at", at},
		{"record", "twice", "--call", "--no-answer", "--at", "2026-11-20T15:30:00+01:00"},
	} {
		code, out, errs := run(args...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
		if again := strings.Contains(out, "already recorded"); again != (i == 1) {
			t.Errorf("run %d said %q", i, out)
		}
	}
	got := recorded(t, "twice")
	if len(got) != 2 || got[0].ID == "" || got[0].ID == got[1].ID {
		t.Errorf("interactions %+v", got)
	}
}

// TestConcurrentRecordsAllLand: reps recording at once on one lead each create their own
// object; every entry lands.
func TestConcurrentRecordsAllLand(t *testing.T) {
	setup(t, "busy")
	var wg sync.WaitGroup
	codes := make([]int, 12)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i], _, _ = run("record", "busy", "--note", "--id", fmt.Sprintf("n%d", i))
		}(i)
	}
	wg.Wait()
	for i, c := range codes {
		if c != 0 {
			t.Errorf("record %d exited %d", i, c)
		}
	}
	if n := len(recorded(t, "busy")); n != len(codes) {
		t.Errorf("%d interactions, want %d", n, len(codes))
	}
}

func TestWonAndLost(t *testing.T) {
	setup(t, "deal")
	if code, _, errs := run("won", "deal", "--value", "12000", "--currency", "USD"); code != 0 {
		t.Fatalf("won: %d %s", code, errs)
	}
	o := lead(t, "deal").Spec.Outcome
	if o == nil || o.Result != v1.OutcomeWon || o.Value.Amount != "12000" || o.Value.Currency != "USD" {
		t.Fatalf("outcome %+v", o)
	}
	code, _, errs := run("lost", "deal", "--reason", "price")
	if code != plugin.ExitError || !strings.Contains(errs, `lead "deal" is already closed as Won`) {
		t.Errorf("re-close without --force: %d %q", code, errs)
	}
	if code, _, errs := run("lost", "deal", "--reason", "price", "--force"); code != 0 {
		t.Fatalf("lost --force: %d %s", code, errs)
	}
	if o := lead(t, "deal").Spec.Outcome; o.Result != v1.OutcomeLost || o.Reason != "price" || o.Value != nil {
		t.Errorf("outcome %+v", o)
	}
}

func TestBadCommandLinesAreRefusedBeforeTheCluster(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"record", "x"}, 2, "exactly one of --call"},
		{[]string{"record", "x", "--call", "--reply"}, 2, "exactly one of --call"},
		{[]string{"record", "x", "--no-answer"}, 2, "describe a call; add --call"},
		{[]string{"record", "x", "--call"}, 2, "either --no-answer or --connected"},
		{[]string{"record", "x", "--reply"}, 2, "--quality must be 1"},
		{[]string{"record", "x", "--reply", "--quality", "4"}, 2, "--quality must be 1"},
		{[]string{"record", "x", "--note", "--quality", "2"}, 2, "--quality rates a reply"},
		{[]string{"record", "x", "--reply", "--quality", "2", "--medium", "fax"}, 2, `--medium "fax"`},
		{[]string{"record", "x", "--note", "--at", "tomorrow"}, 2, `--at "tomorrow"`},
		{[]string{"record", "x", "--note", "--at", "2h"}, 2, "is in the future"},
		{[]string{"record", "--note"}, 2, "name the lead"},
		{[]string{"record", "a", "b", "--note"}, 2, "one lead at a time"},
		{[]string{"record", "x", "--bogus"}, 2, "unknown flag -bogus"},
		{[]string{"won", "x", "--value", "12000"}, 2, "won needs --value and --currency"},
		{[]string{"won", "x", "--value", "-5", "--currency", "USD"}, 2, "must be a non-negative decimal"},
		{[]string{"won", "x", "--value", "5", "--currency", "usd"}, 2, "three-letter ISO 4217"},
		{[]string{"lost", "x"}, 2, "lost needs --reason"},
		{[]string{"close", "x"}, 2, `unknown command "close"`},
		{[]string{"record", "missing", "--note"}, 1, `lead "missing" not found in namespace "plugin"`},
	}
	for _, c := range cases {
		code, _, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestTheBinaryAsKubectlRunsIt builds kubectl-followup and runs it with a kubeconfig.
func TestTheBinaryAsKubectlRunsIt(t *testing.T) {
	setup(t, "bin")
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := env.WriteKubeconfig(kc); err != nil {
		t.Fatal(err)
	}
	root, _ := testenv.Root()
	bin := filepath.Join(dir, "kubectl-followup")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kubectl-followup")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(bin, "record", "bin", "--call", "--no-answer", "-n", ns, "--kubeconfig", kc).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "recorded CallNoAnswer") {
		t.Fatalf("%v: %s", err, out)
	}
	if got := recorded(t, "bin"); len(got) != 1 || got[0].Kind != v1.InteractionCallNoAnswer || got[0].By == "" {
		t.Errorf("interactions %+v", got)
	}

	// KUBECONFIG and a context carrying the namespace and the rep's user, as kubectl reads them.
	salesKubeconfig(t, kc)
	cmd := exec.Command(bin, "record", "bin", "--call", "--connected", "--context", "sales")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kc)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "recorded CallConnected") {
		t.Fatalf("--context sales: %v: %s", err, out)
	}
	if got := recorded(t, "bin"); len(got) != 2 || got[1].By != "anna" {
		t.Errorf("interactions %+v", got)
	}

	// Exit codes: 1 for a missing lead, 2 for a wrong command line.
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"record", "nobody", "--note", "--context", "sales"}, 1, `lead "nobody" not found in namespace "plugin"`},
		{[]string{"record", "bin", "--call", "--context", "sales"}, 2, "a call is either --no-answer or --connected"},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kc)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != c.code || !strings.Contains(string(out), c.want) {
			t.Errorf("%v: %v %s; want exit %d with %q", c.args, err, out, c.code, c.want)
		}
	}
}

// salesKubeconfig adds to the kubeconfig at path a context "sales" whose namespace is the
// tests' and whose user is "anna" (the envtest admin's credentials under that name).
func salesKubeconfig(t *testing.T, path string) {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cur := cfg.Contexts[cfg.CurrentContext]
	cfg.AuthInfos["anna"] = cfg.AuthInfos[cur.AuthInfo]
	cfg.Contexts["sales"] = &clientcmdapi.Context{Cluster: cur.Cluster, AuthInfo: "anna", Namespace: ns}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
}

// TestConnectResolvesLikeKubectl: the namespace comes from -n, else the context, else
// "default"; the recorder from the context's user; an unknown context is an error.
func TestConnectResolvesLikeKubectl(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteKubeconfig(kc); err != nil {
		t.Fatal(err)
	}
	salesKubeconfig(t, kc)
	t.Setenv("KUBECONFIG", kc)
	cases := []struct{ kubeconfig, context, namespace, wantNS, wantUser string }{
		{"", "sales", "", ns, "anna"},
		{kc, "sales", "other", "other", "anna"},
		{"", "", "", "default", ""},
	}
	for _, c := range cases {
		cl, gotNS, user, err := plugin.Connect(c.kubeconfig, c.context, c.namespace)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if gotNS != c.wantNS || (c.wantUser != "" && user != c.wantUser) || user == "" {
			t.Errorf("%+v: namespace %q user %q", c, gotNS, user)
		}
		var list v1.LeadList
		if err := cl.List(context.Background(), &list, client.InNamespace(gotNS)); err != nil {
			t.Errorf("%+v: the client cannot list leads: %v", c, err)
		}
	}
	if _, _, _, err := plugin.Connect("", "nowhere", ""); err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("unknown context: %v", err)
	}
}
