package cadence

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/templates"
)

func translated() *v1.FollowUpPolicySpec {
	p := industrial()
	p.Templates = map[string]v1.MessageTemplate{
		"intro": {Subject: "Hello", Body: "Hello {{ .FirstName }}", Translations: map[string]v1.Translation{
			"de": {Subject: "Hallo", Body: "Hallo {{ .FirstName }}"}, "pt-PT": {Body: "Olá"}, "es": {Body: "Hola"}}},
		"catalog":  {Body: "Our catalog"},
		"win-back": {Body: "Still interested?"},
	}
	return p
}

// The lead's language comes from spec.contact.language, else its country.
func TestLanguageFromContactOrCountry(t *testing.T) {
	for _, c := range []struct{ given, country, want string }{
		{"", "DE", "de"}, {"", "AT", "de"}, {"", "CH", "de"}, {"", "FR", "fr"}, {"", "MX", "es"}, {"", "AR", "es"},
		{"", "BR", "pt"}, {"", "TW", "zh"}, {"", "CN", "zh"}, {"fr", "DE", "fr"}, {"", "", ""}, {"", "BE", ""}, {"", "de", "de"},
	} {
		if got := templates.Language(c.given, c.country); got != c.want {
			t.Errorf("Language(%q, %q) = %q, want %q", c.given, c.country, got, c.want)
		}
	}
	for _, c := range []struct {
		want, got string
		ok        bool
	}{{"pt-BR", "pt-PT", true}, {"de", "de", true}, {"de-AT", "de", true}, {"es-MX", "es", true}, {"fr", "", false}, {"", "", false}} {
		got, ok := templates.PickTranslation(c.want, []string{"de", "es", "pt-PT"})
		if got != c.got || ok != c.ok {
			t.Errorf("PickTranslation(%q) = %q %v, want %q %v", c.want, got, ok, c.got, c.ok)
		}
	}
}

// A German lead's touch records the de translation; a French one falls back to the
// default with a TranslationMissing condition and one event, which stays quiet while the
// condition holds and clears once a touch is translated.
func TestTouchLanguageAndMissingTranslation(t *testing.T) {
	p := translated()
	de := lead("Europe/Berlin", "high", "2026-11-23T10:00:00Z")
	de.Spec.Contact.Country = "AT"
	res := decide(t, input(de, p, at("2026-11-23T10:00:00Z")))
	if res.Touch == nil || res.Touch.Record.Language != "de" {
		t.Fatalf("touch %+v, want the de translation", res.Touch)
	}
	if meta.FindStatusCondition(res.Status.Conditions, v1.ConditionTranslationMissing) != nil {
		t.Error("TranslationMissing on a translated touch")
	}

	en := lead("Europe/Berlin", "high", "2026-11-23T10:00:00Z")
	en.Spec.Contact.Country = "GB"
	if res := decide(t, input(en, p, at("2026-11-23T10:00:00Z"))); res.Touch.Record.Language != "" ||
		meta.FindStatusCondition(res.Status.Conditions, v1.ConditionTranslationMissing) != nil {
		t.Errorf("a lead in the policy's language: touch language %q, conditions %v", res.Touch.Record.Language, res.Status.Conditions)
	}

	fr := lead("Europe/Berlin", "high", "2026-11-23T10:00:00Z")
	fr.Spec.Contact.Language = "fr"
	before := fr.Status.DeepCopy()
	in := input(fr, p, at("2026-11-23T10:00:00Z"))
	res = decide(t, in)
	if res.Touch == nil || res.Touch.Record.Language != "" {
		t.Fatalf("touch %+v, want the default text", res.Touch)
	}
	if c := meta.FindStatusCondition(res.Status.Conditions, v1.ConditionTranslationMissing); c != nil {
		t.Fatalf("the condition before the touch went out: %+v", c)
	}
	// Sent: the condition comes with the touch's result, in the touch's one event.
	_ = before
	mid := fr.Status.DeepCopy()
	res = send(t, in, res, Sent, "")
	c := meta.FindStatusCondition(res.Status.Conditions, v1.ConditionTranslationMissing)
	if c == nil || c.Status != "True" || c.Reason != v1.ReasonNoTranslation || !strings.Contains(c.Message, "template intro has no fr translation") {
		t.Fatalf("condition %+v", c)
	}
	if strings.Contains(c.Message, "Hanna") || strings.Contains(c.Message, "@") {
		t.Errorf("personal data in %q", c.Message)
	}
	ev := Announce(mid, &res.Status)
	if ev == nil || ev.Reason != v1.EventTranslationMissing || !strings.Contains(ev.Message, "sent via") {
		t.Fatalf("event %+v: want one event saying both", ev)
	}
	// The next touch (catalog, no fr either): the condition stays, no event about it.
	in.Now = at("2026-11-25T09:00:00Z")
	mid = fr.Status.DeepCopy()
	res = decide(t, in)
	if res.Touch == nil || res.Touch.Record.Step != "send-catalog" {
		t.Fatalf("touch %+v", res.Touch)
	}
	if ev := Announce(mid, &res.Status); ev != nil && strings.Contains(ev.Message, "translation") {
		t.Errorf("the condition held, yet an event at the intent: %+v", ev)
	}
	mid = fr.Status.DeepCopy()
	res = send(t, in, res, Sent, "")
	if c := meta.FindStatusCondition(res.Status.Conditions, v1.ConditionTranslationMissing); c == nil || !strings.Contains(c.Message, "template catalog") {
		t.Errorf("condition %+v", c)
	}
	if ev := Announce(mid, &res.Status); ev == nil || ev.Reason == v1.EventTranslationMissing {
		t.Errorf("the condition held: the touch's event, not a translation one: %+v", ev)
	}

	// Once a translation is added, the next touch carries it and the condition goes.
	p.Templates["catalog"] = v1.MessageTemplate{Body: "Our catalog", Translations: map[string]v1.Translation{"fr": {Body: "Notre catalogue"}}}
	fr2 := lead("Europe/Berlin", "high", "2026-11-23T10:00:00Z")
	fr2.Spec.Contact.Country = "FR"
	fr2.Status = *fr.Status.DeepCopy()
	fr2.Status.Touches = fr2.Status.Touches[:1]
	in2 := input(fr2, p, at("2026-11-25T09:00:00Z"))
	res = decide(t, in2)
	if res.Touch == nil || res.Touch.Record.Language != "fr" {
		t.Fatalf("touch %+v", res.Touch)
	}
	res = send(t, in2, res, Sent, "")
	if meta.FindStatusCondition(res.Status.Conditions, v1.ConditionTranslationMissing) != nil {
		t.Error("the condition stayed after a translated touch")
	}
}

// TestAOneLanguagePolicyMissesNothing: a policy with no translations at all is written
// in one language on purpose: a German lead gets it with no condition and no warning.
func TestAOneLanguagePolicyMissesNothing(t *testing.T) {
	p := translated()
	for k, tmpl := range p.Templates {
		tmpl.Translations = nil
		p.Templates[k] = tmpl
	}
	de := lead("Europe/Berlin", "high", "2026-11-23T10:00:00Z")
	de.Spec.Contact.Country = "DE"
	in := input(de, p, at("2026-11-23T10:00:00Z"))
	res := send(t, in, decide(t, in), Sent, "")
	if c := meta.FindStatusCondition(res.Status.Conditions, v1.ConditionTranslationMissing); c != nil {
		t.Errorf("TranslationMissing on a one-language policy: %+v", c)
	}
}
