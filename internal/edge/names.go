package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// sourceName is what a lead source may be called: it becomes part of object names and a
// label value.
var sourceName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$`)

// suffixLen is the hex digits of a lead name's hash: 40 bits, so two leads of one
// company in one namespace practically never share a name.
const suffixLen = 10

// leadName names a lead the edge creates: the company as a readable slug ("stal-bud-
// a3f9c0d2b7"), else the source ("google-ads-a3f9c0d2b7"), and a hash of the source and
// its lead id. The same submission twice (a retried webhook, a double click, 20 retries
// at once) is the same name, so it answers AlreadyExists instead of making a copy.
// Never a person's name, an email or a number: object names are logged and shown
// everywhere.
func leadName(c v1.Contact, source, externalID string) string {
	return leadNameOf(c, source, externalID, suffixLen)
}

// longLeadName is the name a lead gets when another lead already holds its short name
// (two submissions whose 40-bit hashes met): 96 bits, deterministic too, so a retry of
// the second finds it again.
func longLeadName(c v1.Contact, source, externalID string) string {
	return leadNameOf(c, source, externalID, 24)
}

func leadNameOf(c v1.Contact, source, externalID string, digits int) string {
	sum := sha256.Sum256([]byte(source + "\x00" + externalID))
	prefix := companySlug(c.Company)
	if prefix == "" {
		prefix = source
	}
	return prefix + "-" + hex.EncodeToString(sum[:])[:digits]
}

// companySlug is a company name as lowercase ASCII words joined by "-", at most 40
// characters; empty when nothing readable is left (a name in another script) or the
// field holds contact data rather than a company (an address, a number, a URL).
func companySlug(company string) string {
	if strings.ContainsAny(company, "@/:") || digitCount(company) >= 6 {
		return ""
	}
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(company)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == 'ł', r == 'ß', r == 'ø', r == 'æ':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString(ascii(r))
			dash = false
		default:
			dash = true
		}
	}
	slug := b.String()
	if len(slug) > 40 {
		slug = strings.TrimRight(slug[:40], "-")
	}
	return slug
}

// ascii spells the few Latin letters that do not decompose into a base letter and a mark.
func ascii(r rune) string {
	switch r {
	case 'ł':
		return "l"
	case 'ß':
		return "ss"
	case 'ø':
		return "o"
	case 'æ':
		return "ae"
	}
	return string(r)
}

func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
