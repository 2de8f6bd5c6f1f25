package indexes

import (
	"slices"
	"testing"
)

// TestNumberForms: the wa_id forms Meta documents for Brazil, Mexico and Argentina find
// the number as typed into a form, and the other way round; other countries have one form.
func TestNumberForms(t *testing.T) {
	for in, want := range map[string][]string{
		"5511987654321": {"5511987654321", "551187654321"}, // São Paulo mobile, E.164
		"551187654321":  {"551187654321", "5511987654321"}, // its wa_id without the ninth digit
		"551133334444":  {"551133334444"},                  // a landline: no ninth digit
		"5511923456789": {"5511923456789"},                 // 9 then 2: without the 9 it would be a landline
		"5215512345678": {"5215512345678", "525512345678"}, // Mexico City, wa_id with 1
		"525512345678":  {"525512345678", "5215512345678"}, // as typed since 2019
		"5491123456789": {"5491123456789", "541123456789"}, // Buenos Aires mobile
		"541123456789":  {"541123456789", "5491123456789"}, // typed without the 9
		"48501234567":   {"48501234567"},                   // Poland: one form
		"4915123456789": {"4915123456789"},                 // Germany: one form
	} {
		if got := NumberForms(in); !slices.Equal(got, want) {
			t.Errorf("NumberForms(%s) = %v, want %v", in, got, want)
		}
	}
}
