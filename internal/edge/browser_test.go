package edge_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/actionlink"
)

// chromium is Debian's headless browser (apt-get install chromium); the test skips,
// saying so, only when it is not installed on a developer machine; CI fails instead.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no chromium on PATH: install Debian's package (apt-get install -y chromium) to run the browser test"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// repLead is a lead owned by rep with an open call task due 10 minutes ago.
func repLead(t *testing.T, name, rep, company string) {
	t.Helper()
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.LeadSpec{Policy: "p", Owner: rep,
		Contact: v1.Contact{Company: company, Email: name + "@example.com"}}}
	if err := env.Client.Create(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	l.Status = v1.LeadStatus{Owner: rep, Phase: v1.PhaseAwaitingTask, Stage: "1/2 call",
		Touches: []v1.TouchRecord{{Key: "task-" + name, Number: 1, Step: "call", Result: v1.TouchTaskAssigned,
			PerformedBy: v1.PerformedByOwner, Due: metav1.NewTime(now.Add(-10 * time.Minute)),
			TaskDeadline: &metav1.Time{Time: now.Add(3 * time.Hour)}}}}
	if err := env.Client.Status().Update(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	// The page reads through the cache: wait until it has the status.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var c v1.Lead
		if cached.Get(context.Background(), leadKeyOf(ns, name), &c) == nil && c.Status.Owner == rep {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("cache never saw lead %s's status", name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRepPageInARealBrowser: headless Chromium opens petra's signed queue link on the
// edge (loopback, real API server), sees her due task, clicks "Won" (a plain form POST,
// no JavaScript), lands on the "Recorded" page, follows "Back to my queue" and no longer
// sees the lead; the lead is closed as won. Screenshots go to the test's artifact dir.
func TestRepPageInARealBrowser(t *testing.T) {
	exe := chromium(t)
	up(t)
	repLead(t, "browser-won", "petra", "Stal-Bud")
	repLead(t, "browser-other", "petra", "Kowalczyk Maszyny")
	repLead(t, "browser-not-mine", "karl", "Elsewhere")

	dir := t.ArtifactDir()
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1100, 800),
		chromedp.Flag("blink-settings", "scriptEnabled=false"))...)
	defer cancel()
	browser, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(browser); err != nil { // starts the browser, on a context without a deadline
		t.Fatalf("starting chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()

	queue := links().QueueURL(ns, "petra", now)
	var before, heading, text, after string
	var shotQueue, shotDone []byte
	text2 := func(sel string, into *string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			v, err := chromedp.Text(chromedp.CSS(sel))(ctx, tg)
			*into = v
			return err
		})
	}
	shot := func(into *[]byte) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			b, err := chromedp.FullScreenshot(100)(ctx, tg)
			*into = b
			return err
		})
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(queue),
		chromedp.WaitVisible(chromedp.CSS(`#lead-browser-won`)),
		text2(`body`, &before),
		shot(&shotQueue),
		chromedp.Click(chromedp.CSS(`#lead-browser-won button[value="won"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/reps/petra"]`)),
		text2(`h1`, &heading),
		text2(`body`, &text),
		shot(&shotDone),
		chromedp.Click(chromedp.CSS(`a[href^="/reps/petra"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#due-now`)),
		text2(`body`, &after),
	)
	for name, b := range map[string][]byte{"queue.png": shotQueue, "recorded.png": shotDone} {
		if len(b) > 0 {
			p := filepath.Join(dir, name)
			if werr := os.WriteFile(p, b, 0o644); werr != nil {
				t.Error(werr)
			}
			t.Logf("screenshot: %s (%d bytes)", p, len(b))
		}
	}
	if err != nil {
		t.Fatalf("browser: %v\nqueue page: %s\nafter the click: %s", err, before, text)
	}
	if !strings.Contains(before, "Due now (2)") || !strings.Contains(before, "browser-other") || strings.Contains(before, "browser-not-mine") {
		t.Errorf("queue page:\n%s", before)
	}
	if heading != "Recorded" || !strings.Contains(text, "closed as Won") {
		t.Errorf("after the click: %q\n%s", heading, text)
	}
	l := getLead(t, "browser-won")
	if o := l.Spec.Outcome; o == nil || o.Result != v1.OutcomeWon || !o.At.Time.Equal(now) {
		t.Fatalf("lead outcome after the click: %+v", l.Spec.Outcome)
	}
	if got := recorded(t, ns, "browser-won"); len(got) != 1 || got[0].By != actionlink.By {
		t.Errorf("recorded %s", kindsOf(got))
	}
	// Back on the queue: the closed lead is gone, the other one is still due.
	if strings.Contains(after, "browser-won") || !strings.Contains(after, "browser-other") {
		t.Errorf("queue after the click:\n%s", after)
	}
}
