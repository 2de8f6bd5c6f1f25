package edge

import (
	"encoding/json"
	"strings"
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Pure parsers of untrusted input, fuzzed without a server.

func FuzzParseCallbackData(f *testing.F) {
	for _, s := range []string{"sales-eu/acme-high/3f9a1c0d2b7e", "a/b", "a/b/c/d", "//", "", strings.Repeat("a/", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, lead, key, ok := parseCallbackData(s)
		if ok && (ns+"/"+lead+"/"+key != s || ns == "" || lead == "" || key == "") {
			t.Fatalf("%q -> %q %q %q", s, ns, lead, key)
		}
	})
}

func FuzzGoogleColumns(f *testing.F) {
	f.Add(`[{"column_id":"PHONE_NUMBER","string_value":"+48 (501) 234-567"},{"column_id":"COUNTRY","string_value":"pl"}]`)
	f.Add(`[{"column_id":"FULL_NAME","string_value":"` + strings.Repeat("é", 150) + `"}]`)
	f.Add(`{"campaign_id":"12","form_id":-1}`)
	f.Add(`[{"column_id":"PRODUCT","string_value":"laser"},{"column_id":"PHONE_NUMBER","string_value":"0501 234 567"},{"column_id":"COUNTRY","string_value":"Polska"}]`)
	f.Fuzz(func(t *testing.T, raw string) {
		var cols []googleColumn
		if json.Unmarshal([]byte(raw), &cols) == nil {
			f := readGoogleForm(cols, &v1.CampaignIntake{ProductQuestions: []string{"PRODUCT"}, Country: "PL"})
			c := f.contact
			if len(c.Name) > 200 || len(c.Company) > 200 || (c.Phone != "" && !e164.MatchString(c.Phone)) ||
				(c.Country != "" && !country.MatchString(c.Country)) || len(c.Email) > 254 || len(c.PhoneAsGiven) > 64 ||
				len(f.product) > 200 || len(f.answers) > 20 {
				t.Fatalf("%q -> %+v", raw, f)
			}
			for _, a := range f.answers {
				if a.Question == "" || a.Answer == "" || len(a.Question) > 200 || len(a.Answer) > 500 {
					t.Fatalf("%q -> answer %+v", raw, a)
				}
			}
		}
		var g googleLead
		_ = decodeJSON([]byte(raw), &g, false)
	})
}

func TestGoogleIDReadsNumbersAndStrings(t *testing.T) {
	for in, want := range map[string]string{`123`: "123", `"123"`: "123", `null`: "", `0`: "0"} {
		var g googleID
		if err := json.Unmarshal([]byte(in), &g); err != nil || string(g) != want {
			t.Errorf("%s -> %q %v", in, g, err)
		}
	}
	for _, in := range []string{`-1`, `"x"`, `1.5`, `1e3`, `true`, `99999999999999999999`} {
		var g googleID
		if err := json.Unmarshal([]byte(in), &g); err == nil {
			t.Errorf("%s accepted as %q", in, g)
		}
	}
}

func TestClipKeepsCharactersWhole(t *testing.T) {
	if got := clip("ééé", 3); got != "é" {
		t.Errorf("%q", got)
	}
}
