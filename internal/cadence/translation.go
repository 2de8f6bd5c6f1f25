package cadence

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/templates"
)

// LeadLanguage is the language a lead's messages should be in: spec.contact.language,
// else its country's language, else "" (the policy's).
func LeadLanguage(l *v1.Lead) string {
	return templates.Language(l.Spec.Contact.Language, l.Spec.Contact.Country)
}

// PolicyLanguage is the language of a policy's default templates.
func PolicyLanguage(p *v1.FollowUpPolicySpec) string {
	if p.Language != "" {
		return p.Language
	}
	return templates.DefaultLanguage
}

// Translation is the translation of a template a lead gets: its key in the template's
// translations, or "" for the template's default text. missing is true when the lead
// reads a language other than the policy's, the policy translates (some template has a
// translation) and this template has none for it. A policy written in one language on
// purpose has nothing missing: every lead would otherwise carry a warning.
func Translation(p *v1.FollowUpPolicySpec, template, lang string) (key string, missing bool) {
	if lang == "" || template == "" || templates.BaseLanguage(lang) == templates.BaseLanguage(PolicyLanguage(p)) {
		return "", false
	}
	src, ok := p.Templates[template]
	if !ok {
		return "", false // the render reports the missing template itself
	}
	keys := make([]string, 0, len(src.Translations))
	for k := range src.Translations {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if k, ok := templates.PickTranslation(lang, keys); ok {
		return k, false
	}
	return "", translates(p)
}

// translates says whether any template of the policy has a translation.
func translates(p *v1.FollowUpPolicySpec) bool {
	for _, t := range p.Templates {
		if len(t.Translations) > 0 {
			return true
		}
	}
	return false
}

// chooseLanguage records on a new touch the translation it is sent in.
func chooseLanguage(rec *v1.TouchRecord, p *v1.FollowUpPolicySpec, l *v1.Lead) {
	rec.Language, _ = Translation(p, rec.Template, LeadLanguage(l))
}

// setTranslationMissing keeps the TranslationMissing condition while the lead's latest
// message touch went out in the default language for want of a translation; it is
// present only while true. It reads the touch's recorded language, so the condition
// (and the one event its appearance makes) does not change with later policy edits
// until the next touch.
func setTranslationMissing(st *v1.LeadStatus, gen int64, p *v1.FollowUpPolicySpec, l *v1.Lead) {
	lang := LeadLanguage(l)
	for i := len(st.Touches) - 1; i >= 0; i-- {
		rec := st.Touches[i]
		// A touch counts once it went out (or failed): the condition, and its event, then
		// come with the touch's own result, one event per touch rather than two.
		if rec.Template == "" || rec.Result == v1.TouchPending {
			continue
		}
		if rec.Language != "" || lang == "" || templates.BaseLanguage(lang) == templates.BaseLanguage(PolicyLanguage(p)) ||
			!translates(p) {
			break
		}
		if _, defined := p.Templates[rec.Template]; !defined {
			break
		}
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: v1.ConditionTranslationMissing,
			Status: metav1.ConditionTrue, Reason: v1.ReasonNoTranslation, ObservedGeneration: gen,
			Message: fmt.Sprintf("template %s has no %s translation: touch %d/%s went out in the default language (%s)",
				rec.Template, lang, rec.Number, rec.Step, PolicyLanguage(p))})
		return
	}
	RemoveCondition(&st.Conditions, v1.ConditionTranslationMissing)
}
