package templates

import "strings"

// DefaultLanguage is the language of a policy's templates when the policy names none.
const DefaultLanguage = "en"

// countryLanguages is the language a contact from a country most likely reads, for the
// countries where one language clearly leads. Countries with no clear lead (BE, IN)
// are left out: such a contact gets the policy's language unless spec.contact.language
// says otherwise.
var countryLanguages = map[string]string{
	"DE": "de", "AT": "de", "CH": "de", "LI": "de", "LU": "de",
	"FR": "fr", "MC": "fr", "SN": "fr", "CI": "fr",
	"ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es", "VE": "es", "EC": "es",
	"GT": "es", "CU": "es", "BO": "es", "DO": "es", "HN": "es", "PY": "es", "SV": "es", "NI": "es",
	"CR": "es", "PA": "es", "UY": "es",
	"PT": "pt", "BR": "pt", "AO": "pt", "MZ": "pt",
	"IT": "it", "SM": "it",
	"NL": "nl",
	"PL": "pl",
	"CZ": "cs", "SK": "sk", "HU": "hu", "RO": "ro", "BG": "bg", "HR": "hr", "SI": "sl",
	"SE": "sv", "DK": "da", "NO": "no", "FI": "fi",
	"GR": "el", "TR": "tr", "RU": "ru", "UA": "uk",
	"CN": "zh", "TW": "zh", "HK": "zh", "SG": "en", "JP": "ja", "KR": "ko", "VN": "vi", "TH": "th",
	"ID": "id",
	"GB": "en", "IE": "en", "US": "en", "CA": "en", "AU": "en", "NZ": "en",
	"SA": "ar", "AE": "ar", "EG": "ar",
}

// Language is the language a contact reads: the one given, else the one of its country
// (ISO 3166-1 alpha-2), else "" (unknown: the policy's language).
func Language(given, country string) string {
	if given != "" {
		return given
	}
	return countryLanguages[strings.ToUpper(country)]
}

// BaseLanguage is a code without its region: pt-BR -> pt.
func BaseLanguage(code string) string {
	if i := strings.IndexByte(code, '-'); i >= 0 {
		return code[:i]
	}
	return code
}

// PickTranslation is the key of the translation to use for language want among the
// available ones: an exact match (pt-BR), else the base language (pt), else any
// regional variant of the base (pt-PT for pt-BR, in sorted order). ok is false when
// there is none.
func PickTranslation(want string, available []string) (string, bool) {
	if want == "" {
		return "", false
	}
	base := BaseLanguage(want)
	best := ""
	for _, k := range available {
		switch {
		case k == want:
			return k, true
		case k == base:
			best = k
		case best != base && BaseLanguage(k) == base && (best == "" || k < best):
			best = k
		}
	}
	return best, best != ""
}
