package contactnorm

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone reads a phone number as a person typed it ("0501 234 567", "+48 (501) 234-567",
// "0048 501234567") into E.164 ("+48501234567"), reading a number without a country
// prefix in country (an ISO code; may be empty). ok is false when the number is not a
// valid number of any country: the caller keeps what was typed instead of guessing.
func Phone(raw, country string) (e164 string, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 64 {
		return "", false
	}
	if strings.HasPrefix(raw, "00") && country == "" {
		raw = "+" + raw[2:] // the international prefix of most countries
	}
	num, err := phonenumbers.Parse(raw, strings.ToUpper(country))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}
