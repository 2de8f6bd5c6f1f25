package contactnorm

import (
	"strings"
	"testing"
)

func TestCountryReadsCodesAndNames(t *testing.T) {
	for in, want := range map[string]string{
		"PL": "PL", "pl": "PL", " de ": "DE", "POL": "PL", "deu": "DE", "616": "PL",
		"Poland": "PL", "poland": "PL", "Polen": "PL", "Polska": "PL", "Pologne": "PL", "波兰": "PL",
		"Germany": "DE", "Deutschland": "DE", "Allemagne": "DE", "Alemania": "DE", "ドイツ": "DE",
		"United States": "US", "USA": "US", "United Kingdom": "GB", "UK": "GB", "Great Britain": "GB",
		"Czechia": "CZ", "Czech Republic": "CZ", "Česko": "CZ", "México": "MX", "Mexico": "MX", "Türkiye": "TR",
		"Viet Nam": "VN", "Brasil": "BR", "España": "ES", "Côte d’Ivoire": "CI", "Bosnia & Herzegovina": "BA",
		"": "", "Narnia": "", "EU": "", "XX": "", "ZZ": "", strings.Repeat("x", 200): "",
	} {
		if got := Country(in); got != want {
			t.Errorf("Country(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhoneNormalisesWithTheCountry(t *testing.T) {
	cases := []struct {
		raw, country, want string
		ok                 bool
	}{
		{"0501 234 567", "", "", false},                 // national, no country: not guessed
		{"501 234 567", "PL", "+48501234567", true},     // Polish mobile without prefix
		{"0151 23456789", "DE", "+4915123456789", true}, // German mobile with trunk 0
		{"(650) 555-1234", "US", "+16505551234", true},
		{"+48 (501) 234-567", "", "+48501234567", true},
		{"0048 501 234 567", "", "+48501234567", true},
		{"+1 650 555 1234", "DE", "+16505551234", true}, // an international number wins over the country
		{"12", "PL", "", false},
		{"call me", "PL", "", false},
		{"", "PL", "", false},
	}
	for _, c := range cases {
		got, ok := Phone(c.raw, c.country)
		if got != c.want || ok != c.ok {
			t.Errorf("Phone(%q, %q) = %q %v, want %q %v", c.raw, c.country, got, ok, c.want, c.ok)
		}
	}
}

func FuzzPhone(f *testing.F) {
	f.Add("0501 234 567", "PL")
	f.Add("+١٢٣", "")
	f.Fuzz(func(t *testing.T, raw, country string) {
		if got, ok := Phone(raw, country); ok && (!strings.HasPrefix(got, "+") || len(got) > 16 || len(got) < 8) {
			t.Fatalf("%q %q -> %q", raw, country, got)
		}
	})
}
