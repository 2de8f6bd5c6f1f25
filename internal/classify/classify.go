// Package classify rates a customer's reply by the response-quality levels of the domain
// brief: 1 polite (acknowledges, nothing more), 2 information exchange (asks or answers
// questions), 3 action (asks for a price, quote, sample, PI, order, meeting or call).
// The rules are word lists, documented in docs/inbound.md. The text is read, never kept.
package classify

import (
	"strings"
	"unicode"
)

// Quality levels.
const (
	Polite      int32 = 1
	Information int32 = 2
	Action      int32 = 3
)

// Quality rates text: Action when it asks to move towards a purchase, Information when it
// asks or gives information (a question mark counts), Polite otherwise. Empty text
// (a sticker, a bare attachment) is Polite.
func Quality(text string) int32 {
	lower := strings.ToLower(text)
	words := tokens(lower)
	words = dropPhrases(words, neutralWords)
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	switch {
	case hasAny(words, set, lower, actionWords, actionJoined):
		return Action
	case strings.ContainsAny(text, "?？¿") || hasAny(words, set, lower, informationWords, informationJoined):
		return Information
	}
	return Polite
}

// tokens splits lower-cased text into words of letters and digits.
func tokens(lower string) []string {
	return strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// The rules split into words once.
var (
	actionWords      = split(action)
	informationWords = split(information)
	neutralWords     = split(neutral)
)

func split(terms []string) [][]string {
	out := make([][]string, len(terms))
	for i, t := range terms {
		out[i] = tokens(t)
	}
	return out
}

// hasAny reports whether a term (a word or a phrase of words) is among words, or a term
// of a language written without spaces is in the text.
func hasAny(words []string, set map[string]bool, lower string, terms [][]string, joined []string) bool {
	for _, t := range terms {
		if len(t) == 1 && set[t[0]] || len(t) > 1 && set[t[0]] && containsPhrase(words, t) {
			return true
		}
	}
	for _, t := range joined {
		if strings.Contains(lower, t) {
			return true
		}
	}
	return false
}

func containsPhrase(words, phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for i := 0; i+len(phrase) <= len(words); i++ {
		match := true
		for j := range phrase {
			if words[i+j] != phrase[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// dropPhrases removes the neutral phrases, so "thanks for the offer" or "in order to" do
// not read as a request.
func dropPhrases(words []string, phrases [][]string) []string {
	for _, ph := range phrases {
		for i := 0; i+len(ph) <= len(words); {
			if containsPhrase(words[i:i+len(ph)], ph) {
				words = append(words[:i:i], words[i+len(ph):]...)
				continue
			}
			i++
		}
	}
	return words
}
