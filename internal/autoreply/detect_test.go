package autoreply

import (
	"testing"
	"time"
)

var received = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC) // a Tuesday

// Texts as responders and people write them: Outlook's and Gmail's templates as people
// fill them in, in six languages, with the quoting and signatures mail carries.
func TestDetectRealMessages(t *testing.T) {
	cases := []struct {
		name    string
		m       Message
		auto    bool
		ooo     bool
		lang    string
		returns string // "" when no date is read
	}{
		{"outlook en, headers and until", Message{
			Headers: map[string]string{"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
			Subject: "Automatic reply: Your inquiry about the CNC laser cutter",
			Text: "Thank you for your email. I am currently out of the office with limited access to email until Monday, December 1st, 2026.\n" +
				"For urgent matters please contact sales@example.com.\n\nBest regards,\nJohn"}, true, true, "en",
			"2026-12-02"}, // "until" a day: away that day; a day late is the safer mistake
		{"en back on, US numeric", Message{Country: "US",
			Text: "Hi, I'm out of office on vacation and will be back on 12/01/2026. I will respond to your email as soon as possible upon my return."},
			true, true, "en", "2026-12-01"},
		{"en UK numeric until", Message{Country: "GB",
			Text: "I am on annual leave until 30/11/2026 and will have no access to email. Your email will not be forwarded."},
			true, true, "en", "2026-12-01"},
		{"en range 'from ... to ...'", Message{
			Text: "Thanks for your message. I will be out of the office from 24 November to 28 November 2026 inclusive. I will reply when I return."},
			true, true, "en", "2026-11-29"},
		{"gmail vacation responder: header only, no date", Message{
			Headers: map[string]string{"Auto-Submitted": "auto-replied (vacation)", "Precedence": "bulk"},
			Subject: "Re: Your inquiry", Text: "Thanks for reaching out! I'll get back to you next week."},
			true, false, "", ""},
		{"de outlook bis einschließlich", Message{
			Subject: "Abwesenheitsnotiz: Ihre Anfrage",
			Text: "Sehr geehrte Damen und Herren,\nvielen Dank für Ihre Nachricht. Ich bin bis einschließlich 30.11.2026 nicht im Büro " +
				"und habe keinen Zugriff auf meine E-Mails. In dringenden Fällen wenden Sie sich bitte an meine Kollegin.\nMit freundlichen Grüßen"},
			true, true, "de", "2026-12-01"},
		{"de ab dem ... wieder erreichbar", Message{
			Text: "Guten Tag, ich bin derzeit im Urlaub und ab dem 1. Dezember wieder erreichbar. Ihre E-Mail wird nicht weitergeleitet."},
			true, true, "de", "2026-12-01"},
		{"de vom bis, without year", Message{
			Text: "Ich bin vom 24.11. bis 28.11. außer Haus. Ihre Nachricht wird nicht weitergeleitet."},
			true, true, "de", "2026-11-29"},
		{"fr jusqu'au 1er décembre", Message{
			Subject: "Réponse automatique : Votre demande",
			Text:    "Bonjour,\nJe suis absente du bureau jusqu'au 1er décembre inclus avec un accès limité à mes e-mails. Pour toute urgence, merci de contacter mon collègue.\nCordialement"},
			true, true, "fr", "2026-12-02"},
		{"fr de retour le, numeric day first", Message{
			Text: "Je suis actuellement en congés. Je serai de retour le 01/12/2026 et je vous répondrai dès mon retour."},
			true, true, "fr", "2026-12-01"},
		{"es hasta el", Message{
			Subject: "Respuesta automática: Consulta",
			Text: "Gracias por su mensaje. Me encuentro fuera de la oficina hasta el 30 de noviembre de 2026, con acceso limitado al correo. " +
				"Para asuntos urgentes contacte con ventas."},
			true, true, "es", "2026-12-01"},
		{"es regresaré el", Message{
			Text: "Hola, estoy de vacaciones. Regresaré el 1 de diciembre y contestaré a mi regreso."},
			true, true, "es", "2026-12-01"},
		{"pt-BR até", Message{
			Text: "Olá! Estou fora do escritório até 30/11/2026, com acesso limitado ao e-mail. Retornarei sua mensagem assim que possível."},
			true, true, "pt", "2026-12-01"},
		{"pt estarei de volta", Message{
			Text: "Obrigado pelo seu contato. Estou de férias e estarei de volta em 1º de dezembro de 2026."},
			true, true, "pt", "2026-12-01"},
		{"zh 返回", Message{
			Subject: "自动回复：关于激光切割机的询价",
			Text:    "您好，我目前休假，将于2026年12月1日返回办公室，期间无法及时回复邮件。如有急事请联系我的同事。谢谢！"},
			true, true, "zh", "2026-12-01"},
		{"zh 至", Message{
			Text: "您好！本人11月24日至11月30日出差，期间邮件可能无法及时回复，敬请谅解。"},
			true, true, "zh", "2026-12-01"},
		{"new year: a date without a year is read forward", Message{Received: time.Date(2026, 12, 22, 8, 0, 0, 0, time.UTC),
			Text: "I'm out of the office for the holidays and will be back on January 5."},
			true, true, "en", "2027-01-05"},
		// People, not responders.
		{"person asks for a price", Message{
			Text: "Hello, thanks for the catalogue. What is the price for the 3kW model delivered to Poland? Regards"}, false, false, "", ""},
		{"person mentions a holiday, no date", Message{
			Text: "Sorry for the late answer, I was on holiday. Please send me the quote."}, false, false, "", ""},
		{"person quoting our earlier out-of-office exchange", Message{
			Text: "Yes, please call me tomorrow.\n\nOn Tue, Nov 24, 2026 at 10:00 Anna wrote:\n> I am out of the office until 1 December."},
			false, false, "", ""},
		{"Auto-Submitted: no is a person", Message{Headers: map[string]string{"auto-submitted": "no"},
			Text: "Could you send the datasheet?"}, false, false, "", ""},
		{"de person im Urlaub without date", Message{Text: "Ich war im Urlaub, bitte schicken Sie mir das Angebot."}, false, false, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.m.Received.IsZero() {
				c.m.Received = received
			}
			v := Detect(c.m)
			if v.Auto != c.auto || v.OutOfOffice != c.ooo {
				t.Fatalf("auto=%v ooo=%v (rule %q), want auto=%v ooo=%v", v.Auto, v.OutOfOffice, v.Rule, c.auto, c.ooo)
			}
			if c.lang != "" && v.Language != c.lang {
				t.Errorf("language %q, want %q", v.Language, c.lang)
			}
			got := ""
			if !v.Return.IsZero() {
				got = v.Return.String()
			}
			if got != c.returns {
				t.Errorf("return %q, want %q", got, c.returns)
			}
		})
	}
}

func TestReturnDateFormats(t *testing.T) {
	cases := []struct{ text, lang, country, want string }{
		{"back on 2026-12-01", "en", "", "2026-12-01"},
		{"wieder da am 01.12.2026", "de", "DE", "2026-12-01"},
		{"back 12/01/2026", "en", "US", "2026-12-01"},
		{"back 12/01/2026", "en", "GB", "2026-12-01"}, // 12 January 2026 is past: December 1 is the plausible reading
		{"back 05/01/2027", "en", "GB", "2027-01-05"}, // day first outside the US
		{"back 05/01/2027", "en", "US", "2027-05-01"}, // month first in the US
		{"back 13/01/2027", "en", "US", "2027-01-13"}, // only one reading is a date
		{"back on 1 December 2026", "en", "", "2026-12-01"},
		{"back on December 1", "en", "", "2026-12-01"},
		{"ab dem 1. Dezember wieder im Büro", "de", "", "2026-12-01"},
		{"de retour le 1er décembre", "fr", "", "2026-12-01"},
		{"de vuelta el 1 de diciembre", "es", "", "2026-12-01"},
		{"de volta em 1 de dezembro", "pt", "", "2026-12-01"},
		{"12月1日返回", "zh", "", "2026-12-01"},
		{"until 30 Nov", "en", "", "2026-12-01"},
		{"bis 30.11.", "de", "", "2026-12-01"},
		{"back on 31 November", "en", "", ""},            // no such day
		{"we were closed on 3 March 2026", "en", "", ""}, // in the past
		{"version 1.5 of the manual", "en", "", ""},
		{"firmware 1.5.2 is out", "en", "", ""},
	}
	for _, c := range cases {
		got, ok := ReturnDate(c.text, c.lang, received, c.country)
		s := ""
		if ok {
			s = got.String()
		}
		if s != c.want {
			t.Errorf("%q (%s, %s): %q, want %q", c.text, c.lang, c.country, s, c.want)
		}
	}
}
