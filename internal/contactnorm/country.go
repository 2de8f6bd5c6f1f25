package contactnorm

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// nameLanguages are the languages whose country names are recognised: the markets the
// operator is sold into and the languages their forms are asked in.
var nameLanguages = []string{"en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sv", "da", "fi", "no", "tr", "ru",
	"uk", "ar", "he", "zh-Hans", "zh-Hant", "ja", "ko", "vi", "th", "id", "ms", "hi"}

// aliases are names people type that CLDR does not list.
var aliases = map[string]string{"usa": "US", "u.s.a.": "US", "u.s.": "US", "united states of america": "US", "america": "US",
	"uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
	"northern ireland": "GB", "holland": "NL", "czech republic": "CZ", "south korea": "KR", "korea": "KR",
	"uae": "AE", "russian federation": "RU", "viet nam": "VN", "turkiye": "TR", "türkiye": "TR", "deutschland": "DE"}

// names maps a folded country name in any of nameLanguages (and its own languages) to
// its code. Built once, on first use (about 7,000 names).
var names = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	var namers []display.Namer
	for _, l := range nameLanguages {
		if n := display.Regions(language.MustParse(l)); n != nil {
			namers = append(namers, n)
		}
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			// Deprecated codes (DD, East Germany) name today's countries too: only the
			// current code of each country is listed.
			if err != nil || !r.IsCountry() || r.String() != code || r.Canonicalize().String() != code {
				continue
			}
			for _, n := range namers {
				if name := n.Name(r); name != "" {
					if _, taken := m[fold(name)]; !taken {
						m[fold(name)] = code
					}
				}
			}
			// The country's name in its own main language: "Polska", "Deutschland".
			if t, err := language.Compose(r); err == nil {
				if base, conf := t.Base(); conf != language.No {
					if n := display.Regions(language.Make(base.String())); n != nil {
						if name := n.Name(r); name != "" {
							if _, taken := m[fold(name)]; !taken {
								m[fold(name)] = code
							}
						}
					}
				}
			}
		}
	}
	for k, v := range aliases {
		m[fold(k)] = v
	}
	return m
})

// Country is the ISO 3166-1 alpha-2 code of what a person typed as their country: a code
// in any case ("pl", "POL", "616"), or a name in one of the recognised languages
// ("Poland", "Polen", "Polska", "波兰"). Empty when it is none of these.
func Country(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 100 {
		return ""
	}
	if code, ok := names()[fold(s)]; ok {
		return code
	}
	if len(s) <= 3 {
		if r, err := language.ParseRegion(s); err == nil {
			if r = r.Canonicalize(); r.IsCountry() && len(r.String()) == 2 {
				return r.String()
			}
		}
	}
	return ""
}

// fold makes names comparable: lower case, accents dropped, spaces collapsed.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r) || r == '-':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
