package classify

import (
	"strings"
	"unicode"
)

// BuyingIntent reports whether an inbound message contains one of the policy's
// hand-to-human keywords as a whole word, ignoring case ("PI" matches "send me a PI"
// but not "pipe"; "price" matches "Price?"). Whoever sees the text (the inbound edge, a
// rep) calls it and records only the verdict (Interaction.HandToHuman), never the text.
func BuyingIntent(text string, keywords []string) bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	for _, k := range keywords {
		kw := strings.FieldsFunc(strings.ToLower(k), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len(kw) == 1 && set[kw[0]] {
			return true
		}
		if len(kw) > 1 && containsPhrase(words, kw) {
			return true
		}
	}
	return false
}
