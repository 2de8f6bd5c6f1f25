package actionlink

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

var (
	key   = []byte("k1-0123456789abcdef")
	other = []byte("k2-fedcba9876543210")
	now   = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
)

func parseURL(t *testing.T, raw string) (Link, string, error) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	rep := ""
	if name, ok := strings.CutPrefix(u.Path, "/reps/"); ok {
		rep = name
	}
	return Parse(u.Query(), rep)
}

func TestSignedLinkVerifiesAndEveryFieldIsCovered(t *testing.T) {
	b := Builder{Base: "https://edge.example.com/", Key: key, TTL: time.Hour}
	raw := b.ActionURL("sales-eu", "stal-bud-a3f9", "3f9a1c0d2b7e", Won, now)
	if !strings.HasPrefix(raw, "https://edge.example.com/act?") {
		t.Fatalf("url %q", raw)
	}
	l, sig, err := parseURL(t, raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify([][]byte{key}, l, sig, now.Add(59*time.Minute)); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	if l.Namespace != "sales-eu" || l.Subject != "stal-bud-a3f9" || l.TouchKey != "3f9a1c0d2b7e" || l.Action != Won {
		t.Fatalf("parsed %+v", l)
	}
	// Rotation: the old key still verifies when listed second.
	if err := Verify([][]byte{other, key}, l, sig, now); err != nil {
		t.Errorf("rotated keys: %v", err)
	}
	if err := Verify([][]byte{other}, l, sig, now); !errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong key: %v", err)
	}
	if err := Verify(nil, l, sig, now); !errors.Is(err, ErrNoKey) {
		t.Errorf("no key: %v", err)
	}
	if err := Verify([][]byte{key}, l, sig, now.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("at expiry: %v", err)
	}
	// Changing any one field breaks the signature.
	for name, mut := range map[string]func(*Link){
		"namespace": func(l *Link) { l.Namespace = "sales-us" },
		"lead":      func(l *Link) { l.Subject = "other-lead" },
		"touch":     func(l *Link) { l.TouchKey = "000000000000" },
		"action":    func(l *Link) { l.Action = Lost },
		"expiry":    func(l *Link) { l.Expires = l.Expires.Add(24 * time.Hour) },
	} {
		m := l
		mut(&m)
		if err := Verify([][]byte{key}, m, sig, now); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s changed: %v, want a bad signature", name, err)
		}
	}
	// An expired forgery is a forgery.
	forged := l
	forged.Action = Lost
	if err := Verify([][]byte{key}, forged, sig, now.Add(48*time.Hour)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("expired forgery: %v", err)
	}
}

func TestQueueLinkIsForOneRep(t *testing.T) {
	b := Builder{Base: "http://127.0.0.1:8082", Key: key}
	raw := b.QueueURL("sales-eu", "anna", now)
	l, sig, err := parseURL(t, raw)
	if err != nil || l.Action != Queue || l.Subject != "anna" {
		t.Fatalf("%q: %+v %v", raw, l, err)
	}
	if err := Verify([][]byte{key}, l, sig, now.Add(DefaultTTL-time.Second)); err != nil {
		t.Errorf("queue link within the default TTL: %v", err)
	}
	l.Subject = "jonas"
	if err := Verify([][]byte{key}, l, sig, now); !errors.Is(err, ErrBadSignature) {
		t.Errorf("anna's link opened jonas's page: %v", err)
	}
	if (Builder{Key: key}).QueueURL("ns", "anna", now) != "" || (Builder{Base: "http://x"}).ActionURL("ns", "l", "t", Won, now) != "" {
		t.Error("links made without a base URL or a key")
	}
}

func TestParseRefusesMalformedLinks(t *testing.T) {
	good := Query(key, Link{Namespace: "ns", Subject: "lead", TouchKey: "abc", Action: Connected, Expires: now})
	for name, mut := range map[string]func(url.Values){
		"no exp":       func(q url.Values) { q.Del("exp") },
		"bad exp":      func(q url.Values) { q.Set("exp", "soon") },
		"bad ns":       func(q url.Values) { q.Set("ns", "Sales EU") },
		"bad lead":     func(q url.Values) { q.Set("lead", "../x") },
		"bad touch":    func(q url.Values) { q.Set("touch", "a b") },
		"bad action":   func(q url.Values) { q.Set("a", "delete") },
		"queue action": func(q url.Values) { q.Set("a", "queue") },
		"no sig":       func(q url.Values) { q.Del("sig") },
	} {
		q := url.Values{}
		for k, v := range good {
			q[k] = append([]string(nil), v...)
		}
		mut(q)
		if _, _, err := Parse(q, ""); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want malformed", name, err)
		}
	}
	if _, _, err := Parse(good, ""); err != nil {
		t.Errorf("good link: %v", err)
	}
}

func TestRecordMapsActionsOntoTheLeadAPI(t *testing.T) {
	value := &v1.Money{Amount: "42000", Currency: "EUR"}
	want := map[Action]v1.InteractionKind{Connected: v1.InteractionCallConnected, NoAnswer: v1.InteractionCallNoAnswer,
		MeetingBooked: v1.InteractionMeetingBooked, Snooze: v1.InteractionSnoozed, Won: v1.InteractionNote, Lost: v1.InteractionNote}
	ids := map[string]bool{}
	for _, a := range Actions {
		l := Link{Namespace: "ns", Subject: "lead", TouchKey: "3f9a1c0d2b7e/1", Action: a, Expires: now.Add(time.Hour)}
		r, err := Record(l, value, now)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		if r.Entry.Kind != want[a] || r.Entry.TouchKey != "3f9a1c0d2b7e" || r.Entry.By != By || !r.Entry.At.Time.Equal(now) {
			t.Errorf("%s: %+v", a, r.Entry)
		}
		if ids[r.Entry.ID] {
			t.Errorf("%s: id %q shared with another action", a, r.Entry.ID)
		}
		ids[r.Entry.ID] = true
		again, _ := Record(l, value, now.Add(time.Minute))
		if again.Entry.ID != r.Entry.ID {
			t.Errorf("%s: the same link makes another id the second time", a)
		}
		if (a == Won || a == Lost) != (r.Outcome != nil) {
			t.Errorf("%s: outcome %+v", a, r.Outcome)
		}
	}
	won, _ := Record(Link{Subject: "lead", Action: Won}, value, now)
	if won.Outcome.Result != v1.OutcomeWon || won.Outcome.Value == nil || won.Outcome.Value.Amount != "42000" {
		t.Errorf("won: %+v", won.Outcome)
	}
	// A later snooze link snoozes again.
	s1, _ := Record(Link{TouchKey: "k", Action: Snooze, Expires: now}, nil, now)
	s2, _ := Record(Link{TouchKey: "k", Action: Snooze, Expires: now.Add(time.Hour)}, nil, now)
	if s1.Entry.ID == s2.Entry.ID {
		t.Error("two snooze links share an id")
	}
	if _, err := Record(Link{Action: Queue}, nil, now); err == nil {
		t.Error("a queue link recorded something")
	}
}

func TestSnoozeIsOfferedOnlyOnATask(t *testing.T) {
	b := Builder{Base: "https://e", Key: key}
	if n := len(b.Buttons("ns", "l", "", now)); n != len(Actions)-1 {
		t.Errorf("without a task: %d buttons", n)
	}
	for _, btn := range b.Buttons("ns", "l", "", now) {
		if btn.Action == Snooze {
			t.Error("snooze offered without a task")
		}
	}
	if n := len(b.Buttons("ns", "l", "k", now)); n != len(Actions) {
		t.Errorf("on a task: %d buttons", n)
	}
}

func TestBuilderForUsesTheNamespacesOwnKey(t *testing.T) {
	src := NewSource("https://edge.example.com", time.Hour)
	src.SetKey([]byte("platform"))
	if got := src.BuilderFor(context.Background(), "any").Key; string(got) != "platform" {
		t.Fatalf("without namespace keys: %q", got)
	}
	src.SetNamespaceKey(func(_ context.Context, ns string) ([]byte, bool) {
		switch ns {
		case "team-b":
			return []byte("team-b-key"), true
		case "unreadable":
			return nil, true
		}
		return nil, false
	})
	for ns, want := range map[string]string{"team-b": "team-b-key", "team-a": "platform", "unreadable": ""} {
		b := src.BuilderFor(context.Background(), ns)
		if string(b.Key) != want || b.Enabled() != (want != "") {
			t.Errorf("%s: key %q enabled %v", ns, b.Key, b.Enabled())
		}
	}
	var none *Source
	if none.BuilderFor(context.Background(), "x").Enabled() {
		t.Error("a nil source makes links")
	}
}
