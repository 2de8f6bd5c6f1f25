// Package contactkey turns a contact's email, phone numbers and company domain into
// lookup keys: normalized, then hashed (SHA-256), so the archive can find every lead of
// one customer through an index that holds no address or number in the clear. The same
// keys are computed by the operator (archiving, returning contacts), by
// `kubectl followup history` and by `kubectl followup forget`, so they must agree: this
// package is the only place that normalizes.
package contactkey

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Kind is what a key was made from.
type Kind string

// Key kinds.
const (
	Email Kind = "email"
	// Phone covers spec.contact.phone and spec.contact.whatsapp: a customer who filled
	// in a form with a number often writes later on WhatsApp from the same one.
	Phone Kind = "phone"
	// Domain is the company part of an email address (example.pl).
	Domain Kind = "domain"
)

// Key is one hashed lookup key.
type Key struct {
	Kind   Kind
	Digest [sha256.Size]byte
}

// String is kind:hex, for field indexes (in memory only, never logged).
func (k Key) String() string { return string(k.Kind) + ":" + hex.EncodeToString(k.Digest[:]) }

// NormalizeEmail lower-cases and trims an address; "" when it is not an address.
// Addresses are compared whole: plus-tags and dots are kept, because for many
// providers they name different mailboxes.
func NormalizeEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return ""
	}
	return s
}

// NormalizePhone keeps the digits of a number: "+48 501-234-567" and WhatsApp's
// "48501234567" are one key (the same rule the inbound edge matches replies with).
// Fewer than 7 digits is not a number.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() < 7 {
		return ""
	}
	return b.String()
}

// NormalizeDomain lower-cases a domain and drops a leading "@" or "www.".
func NormalizeDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "@")
	s = strings.TrimPrefix(s, "www.")
	s = strings.TrimSuffix(s, ".")
	if !strings.Contains(s, ".") || strings.ContainsAny(s, "@ /") {
		return ""
	}
	return s
}

// DomainOf is the domain of an email address, normalized.
func DomainOf(email string) string {
	e := NormalizeEmail(email)
	if e == "" {
		return ""
	}
	return NormalizeDomain(e[strings.LastIndexByte(e, '@')+1:])
}

func digest(kind Kind, normalized string) Key {
	return Key{Kind: kind, Digest: sha256.Sum256([]byte(normalized))}
}

// ForEmail is the key of an address; ok is false when it is not one.
func ForEmail(s string) (Key, bool) {
	n := NormalizeEmail(s)
	return digest(Email, n), n != ""
}

// ForPhone is the key of a number; ok is false when it is not one.
func ForPhone(s string) (Key, bool) {
	n := NormalizePhone(s)
	return digest(Phone, n), n != ""
}

// ForDomain is the key of a company domain; ok is false when it is not one.
func ForDomain(s string) (Key, bool) {
	n := NormalizeDomain(s)
	return digest(Domain, n), n != ""
}

// Parse reads a key the way a person gives one on the command line: an error says
// what is wrong with the value (it never repeats the value itself).
func Parse(kind Kind, s string) (Key, error) {
	var k Key
	var ok bool
	switch kind {
	case Email:
		k, ok = ForEmail(s)
	case Phone:
		k, ok = ForPhone(s)
	case Domain:
		k, ok = ForDomain(s)
	default:
		return Key{}, fmt.Errorf("unknown key kind %q", kind)
	}
	if !ok {
		switch kind {
		case Email:
			return Key{}, fmt.Errorf("not an email address (want one such as name@company.com)")
		case Phone:
			return Key{}, fmt.Errorf("not a phone number (want at least 7 digits, such as +4930123456)")
		default:
			return Key{}, fmt.Errorf("not a domain (want example.com)")
		}
	}
	return k, nil
}

// Identity is the keys that identify the person: email and phone numbers. Two leads
// sharing one of them are the same contact.
func Identity(c v1.Contact) []Key {
	var out []Key
	if k, ok := ForEmail(c.Email); ok {
		out = append(out, k)
	}
	// phoneAsGiven: a number the intake could not read, kept as typed; its digits still
	// find the contact when given the same way.
	for _, n := range []string{c.Phone, c.WhatsApp, c.PhoneAsGiven} {
		if k, ok := ForPhone(n); ok && !contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// All is Identity plus the company domain of the email (none for free mail: the archive
// must not gather every gmail.com customer under one key).
func All(c v1.Contact) []Key {
	out := Identity(c)
	if k, ok := CompanyDomain(c.Email); ok {
		out = append(out, k)
	}
	return out
}

// Matches says whether the contact has any of the keys.
func Matches(c v1.Contact, keys []Key) bool {
	for _, have := range All(c) {
		if contains(keys, have) {
			return true
		}
	}
	return false
}

func contains(ks []Key, k Key) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
