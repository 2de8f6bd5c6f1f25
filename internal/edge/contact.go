package edge

import (
	"regexp"
	"strings"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactnorm"
)

// e164 is the CRD's phone rule; emailRule its email rule.
var (
	e164      = regexp.MustCompile(`^[+][1-9][0-9]{6,14}$`)
	emailRule = regexp.MustCompile(`^[^@\s]+@[^@\s]+[.][^@\s]+$`)
	country   = regexp.MustCompile(`^[A-Z]{2}$`)
)

// readPhones puts a contact's numbers into E.164, reading national numbers in the
// contact's country, else fallback (the campaign's intake.country). What is already
// E.164 stays as typed. A number that cannot be read moves to phoneAsGiven, so the lead
// is still taken and a rep can dial it; it is never guessed into someone else's number.
func readPhones(c *v1.Contact, fallback string) {
	in := c.Country
	if in == "" {
		in = fallback
	}
	read := func(raw string) (string, bool) {
		raw = strings.TrimSpace(raw)
		if e164.MatchString(raw) {
			return raw, true
		}
		return contactnorm.Phone(raw, in)
	}
	if c.Phone != "" {
		if p, ok := read(c.Phone); ok {
			c.Phone = p
		} else {
			c.PhoneAsGiven, c.Phone = clip(strings.TrimSpace(c.Phone), 64), ""
		}
	}
	if c.WhatsApp != "" {
		if p, ok := read(c.WhatsApp); ok {
			c.WhatsApp = p
		} else {
			if c.PhoneAsGiven == "" {
				c.PhoneAsGiven = clip(strings.TrimSpace(c.WhatsApp), 64)
			}
			c.WhatsApp = ""
		}
	}
}

// addAnswer keeps one more form answer on the lead, within the CRD's bounds.
func addAnswer(answers []v1.FormAnswer, question, answer string) []v1.FormAnswer {
	question, answer = strings.TrimSpace(question), strings.TrimSpace(answer)
	if question == "" || answer == "" || len(answers) >= 20 {
		return answers
	}
	return append(answers, v1.FormAnswer{Question: clip(question, 200), Answer: clip(answer, 500)})
}
