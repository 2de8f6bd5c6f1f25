package indexes

import "strings"

// NumberForms are the digit strings one mobile number may take: the number itself and,
// where WhatsApp's ids (wa_id) and the numbers people type differ by a country's mobile
// prefix, the other form. A customer's first WhatsApp message, before any send told us
// their wa_id, still finds their lead:
//   - Brazil (55): with or without the ninth digit after the two-digit area code (a
//     mobile number's: the digit after it is 6-9, so no landline form is made);
//   - Mexico (52): with or without the 1 before the ten digits (wa_id keeps 521);
//   - Argentina (54): with or without the 9 before the ten digits.
func NumberForms(digits string) []string {
	out := []string{digits}
	n := len(digits)
	switch {
	case strings.HasPrefix(digits, "55") && n == 12 && strings.ContainsRune("6789", rune(digits[4])):
		out = append(out, digits[:4]+"9"+digits[4:])
	case strings.HasPrefix(digits, "55") && n == 13 && digits[4] == '9' && strings.ContainsRune("6789", rune(digits[5])):
		out = append(out, digits[:4]+digits[5:])
	case strings.HasPrefix(digits, "521") && n == 13:
		out = append(out, "52"+digits[3:])
	case strings.HasPrefix(digits, "52") && n == 12:
		out = append(out, "521"+digits[2:])
	case strings.HasPrefix(digits, "549") && n == 13:
		out = append(out, "54"+digits[3:])
	case strings.HasPrefix(digits, "54") && n == 12:
		out = append(out, "549"+digits[2:])
	}
	return out
}
