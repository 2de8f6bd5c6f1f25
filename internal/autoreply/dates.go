package autoreply

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day, without a time or a zone: the engine places it in the
// contact's time zone and business hours.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero says whether no date was read.
func (d Date) IsZero() bool { return d.Year == 0 }

// String is the date as 2006-01-02.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// ParseDate reads 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("a date is written 2006-01-02: %w", err)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func (d Date) addDays(n int) Date {
	t := d.time().AddDate(0, 0, n)
	return Date{t.Year(), t.Month(), t.Day()}
}

// monthNames in English, German, French, Spanish and Portuguese (and the usual
// abbreviations), lower case.
var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "januar": 1, "jänner": 1, "janvier": 1, "enero": 1, "janeiro": 1,
	"february": 2, "feb": 2, "februar": 2, "février": 2, "fevrier": 2, "febrero": 2, "fevereiro": 2,
	"march": 3, "mar": 3, "märz": 3, "maerz": 3, "mars": 3, "marzo": 3, "março": 3, "marco": 3,
	"april": 4, "apr": 4, "avril": 4, "abril": 4,
	"may": 5, "mai": 5, "mayo": 5, "maio": 5,
	"june": 6, "jun": 6, "juni": 6, "juin": 6, "junio": 6, "junho": 6,
	"july": 7, "jul": 7, "juli": 7, "juillet": 7, "julio": 7, "julho": 7,
	"august": 8, "aug": 8, "août": 8, "aout": 8, "agosto": 8,
	"september": 9, "sep": 9, "sept": 9, "septembre": 9, "septiembre": 9, "setiembre": 9, "setembro": 9,
	"october": 10, "oct": 10, "oktober": 10, "okt": 10, "octobre": 10, "octubre": 10, "outubro": 10,
	"november": 11, "nov": 11, "novembre": 11, "noviembre": 11, "novembro": 11,
	"december": 12, "dec": 12, "dezember": 12, "dez": 12, "décembre": 12, "decembre": 12, "diciembre": 12, "dezembro": 12,
}

var monthAlt = func() string {
	names := make([]string, 0, len(monthNames))
	for n := range monthNames {
		names = append(names, regexp.QuoteMeta(n))
	}
	sort.Slice(names, func(i, j int) bool {
		return len(names[i]) > len(names[j]) || len(names[i]) == len(names[j]) && names[i] < names[j]
	})
	return strings.Join(names, "|")
}()

// The date shapes, tried in this order; a later shape never reads inside an earlier match.
var (
	isoDate    = regexp.MustCompile(`\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`)
	cjkDate    = regexp.MustCompile(`(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]`)
	dayMonth   = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th|er|re|º|°|ª|\.)?(?:\s+(?:de|of))?\s+(` + monthAlt + `)\b\.?(?:,?\s+(?:de\s+)?(\d{4}))?`)
	monthDay   = regexp.MustCompile(`\b(` + monthAlt + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`)
	dottedDate = regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}\b)?`)
	slashDate  = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b`)
)

// Qualifiers before a date: "until" words make it the last day away (back the day
// after); "back" words make it the day of return. The nearest one before the date
// counts; with none, a "back" word right after it (German "ab dem 1.12. wieder",
// Chinese "12月1日返回").
var (
	untilBefore = regexp.MustCompile(`(?:^|[^\p{L}])(until|till|til|through|thru|to|bis|bis zum|bis einschließlich|einschließlich|jusqu'au|jusqu'à|jusqu'a|au|hasta|hasta el|al|até|ate|a)(?:[^\p{L}]|$)|[-–—]\s*$|至|到|止`)
	backBefore  = regexp.MustCompile(`(?:^|[^\p{L}])(back|return|returning|returns|return on|in the office|available|again|zurück|wieder|ab|ab dem|retour|reviendrai|à partir du|à partir de|dès le|vuelta|regreso|regresaré|volveré|me reincorporo|a partir del|a partir de|volta|retorno|retornarei|regressarei|regresso|a partir do)(?:[^\p{L}]|$)|于|於`)
	backAfter   = regexp.MustCompile(`^[^.\n]{0,30}?(?:(?:^|[^\p{L}])(wieder|zurück|back|de retour|de vuelta|de volta)(?:[^\p{L}]|$)|返回|回到|回来|回來|上班|复工)`)
)

const qualifierWindow = 40 // bytes before a date searched for a qualifier

type candidate struct {
	start, end int
	date       Date
	qualified  bool
}

// ReturnDate reads the day someone is back from an out-of-office text: the latest
// return day among the dates the text gives that is not before the message
// (received). lang and country decide 12/01 (month first for US English); a year left
// out is the next occurrence. It reports false when no such date is given.
func ReturnDate(text, lang string, received time.Time, country string) (Date, bool) {
	text = normalize(text)
	recv := Date{received.Year(), received.Month(), received.Day()}
	if received.IsZero() {
		recv = Date{}
	}
	var taken [][2]int
	var cands []candidate
	overlaps := func(s, e int) bool {
		for _, t := range taken {
			if s < t[1] && e > t[0] {
				return true
			}
		}
		return false
	}
	add := func(loc []int) func(Date, bool) {
		return func(d Date, ok bool) {
			if overlaps(loc[0], loc[1]) {
				return
			}
			taken = append(taken, [2]int{loc[0], loc[1]})
			if ok {
				ret, qualified := qualify(text, loc[0], loc[1], d)
				cands = append(cands, candidate{loc[0], loc[1], ret, qualified})
			}
		}
	}
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	for _, m := range isoDate.FindAllStringSubmatchIndex(text, -1) {
		add(m)(mk(num(text[m[2]:m[3]]), num(text[m[4]:m[5]]), num(text[m[6]:m[7]])))
	}
	for _, m := range cjkDate.FindAllStringSubmatchIndex(text, -1) {
		y := 0
		if m[2] >= 0 {
			y = num(text[m[2]:m[3]])
		}
		add(m)(withYear(y, num(text[m[4]:m[5]]), num(text[m[6]:m[7]]), recv))
	}
	for _, m := range dayMonth.FindAllStringSubmatchIndex(text, -1) {
		y := 0
		if m[6] >= 0 {
			y = num(text[m[6]:m[7]])
		}
		add(m)(withYear(y, int(monthNames[text[m[4]:m[5]]]), num(text[m[2]:m[3]]), recv))
	}
	for _, m := range monthDay.FindAllStringSubmatchIndex(text, -1) {
		y := 0
		if m[6] >= 0 {
			y = num(text[m[6]:m[7]])
		}
		add(m)(withYear(y, int(monthNames[text[m[2]:m[3]]]), num(text[m[4]:m[5]]), recv))
	}
	for _, m := range dottedDate.FindAllStringSubmatchIndex(text, -1) {
		if m[1] < len(text) && text[m[1]] >= '0' && text[m[1]] <= '9' {
			continue // "1.5.2" is a version, "1.12." a date
		}
		y := 0
		if m[6] >= 0 {
			y = year(num(text[m[6]:m[7]]))
		}
		add(m)(withYear(y, num(text[m[4]:m[5]]), num(text[m[2]:m[3]]), recv))
	}
	for _, m := range slashDate.FindAllStringSubmatchIndex(text, -1) {
		a, b, y := num(text[m[2]:m[3]]), num(text[m[4]:m[5]]), 0
		if m[6] >= 0 {
			y = year(num(text[m[6]:m[7]]))
		}
		add(m)(slashed(a, b, y, monthFirst(lang, country), recv))
	}

	var best Date
	anyQualified := false
	for _, c := range cands {
		anyQualified = anyQualified || c.qualified
	}
	for _, c := range cands {
		if anyQualified && !c.qualified || !recv.IsZero() && c.date.time().Before(recv.time()) {
			continue
		}
		if best.IsZero() || c.date.time().After(best.time()) {
			best = c.date
		}
	}
	return best, !best.IsZero()
}

// qualify turns a date into the day of return, by the words around it.
func qualify(text string, start, end int, d Date) (Date, bool) {
	from := max(0, start-qualifierWindow)
	for from < start && !utf8Start(text[from]) {
		from++
	}
	win := text[from:start]
	u, b := lastMatch(untilBefore, win), lastMatch(backBefore, win)
	switch {
	case u > b:
		return d.addDays(1), true
	case b > u:
		return d, true
	}
	if backAfter.MatchString(text[end:]) {
		return d, true
	}
	return d.addDays(1), false // a day named without a word: the last day away
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func lastMatch(re *regexp.Regexp, s string) int {
	ms := re.FindAllStringIndex(s, -1)
	if len(ms) == 0 {
		return -1
	}
	return ms[len(ms)-1][1]
}

func mk(y, m, d int) (Date, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 2000 || y > 2999 {
		return Date{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return Date{}, false // 31 November
	}
	return Date{y, time.Month(m), d}, true
}

// withYear completes a date without a year with the next occurrence on or after a week
// before the message (a date just past is the message's own week, not next year's).
func withYear(y, m, d int, recv Date) (Date, bool) {
	if y != 0 {
		return mk(y, m, d)
	}
	if recv.IsZero() {
		return Date{}, false
	}
	date, ok := mk(recv.Year, m, d)
	if !ok && m == 2 && d == 29 {
		date, ok = mk(recv.Year+1, m, d)
	}
	if ok && date.time().Before(recv.time().AddDate(0, 0, -7)) {
		return mk(recv.Year+1, m, d)
	}
	return date, ok
}

func year(y int) int {
	if y < 100 {
		return 2000 + y
	}
	return y
}

// slashed reads a/b[/y]: in the locale's order, unless only the other order is a date
// or only the other order lands within a year after the message.
func slashed(a, b, y int, monthFirst bool, recv Date) (Date, bool) {
	first, second := b, a // day/month
	if monthFirst {
		first, second = a, b
	}
	d1, ok1 := withYear(y, first, second, recv)
	d2, ok2 := withYear(y, second, first, recv)
	switch {
	case ok1 && (!ok2 || plausible(d1, recv) || !plausible(d2, recv)):
		return d1, true
	case ok2:
		return d2, true
	}
	return Date{}, false
}

func plausible(d, recv Date) bool {
	if recv.IsZero() {
		return true
	}
	t, r := d.time(), recv.time()
	return !t.Before(r.AddDate(0, 0, -1)) && t.Before(r.AddDate(0, 6, 0))
}

// monthFirst says whether 12/01 is December 1: English from the United States and the
// few countries that write it so, or English with no country known.
func monthFirst(lang, country string) bool {
	switch strings.ToUpper(country) {
	case "US", "PH", "PR", "GU", "AS", "UM", "VI", "FM", "MH", "PW":
		return true
	case "":
		return lang == "en" || lang == ""
	}
	return false
}
