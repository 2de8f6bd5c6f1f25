package senders

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/mail"
	"net/textproto"
	"strings"

	gomail "github.com/wneessen/go-mail"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// HeaderTouchKey carries the touch's idempotency key in every email.
const HeaderTouchKey = "X-Followup-Key"

// MessageID is the Message-ID of a touch's email: derived from its key and the sender's
// domain, so a resend after a crash is the same message to every mail system.
func MessageID(key, from string) string {
	domain := "followup.io"
	if a, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndex(a.Address, "@"); i > 0 {
			domain = a.Address[i+1:]
		}
	}
	return "touch-" + key + "@" + domain
}

// sendEmail sends a touch as a plain-text and HTML email.
func (r *Router) sendEmail(ctx context.Context, ch *v1.Channel, creds Credentials, d dispatch.Delivery) dispatch.Result {
	if d.Contact.Email == "" {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "contact has no email"}
	}
	spec := ch.Spec.SMTP
	m := gomail.NewMsg()
	if err := m.From(spec.From); err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "invalid from address"}
	}
	if err := m.To(d.Contact.Email); err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "invalid contact email"}
	}
	m.Subject(d.Message.Subject)
	m.SetMessageIDWithValue(MessageID(d.Key, spec.From))
	m.SetGenHeader(gomail.Header(HeaderTouchKey), d.Key)
	m.SetBodyString(gomail.TypeTextPlain, d.Message.Body)
	m.AddAlternativeString(gomail.TypeTextHTML, htmlBody(d.Message.Body))

	port := int(spec.Port)
	if port == 0 {
		port = 587
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(r.smtpTimeout)}
	if r.tlsConfig != nil {
		tc := r.tlsConfig.Clone()
		tc.ServerName = spec.Host
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	switch spec.Security {
	case "TLS":
		opts = append(opts, gomail.WithSSL())
	case "None":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if user := creds.get("username"); user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user),
			gomail.WithPassword(creds.get(keyOf(ch, "password"))))
	}
	c, err := gomail.NewClient(spec.Host, opts...)
	if err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "smtp client configuration"}
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return smtpResult(err)
	}
	return dispatch.Result{Outcome: cadence.Sent}
}

// smtpResult: 4xx replies and network trouble are temporary; 5xx replies are not.
func smtpResult(err error) dispatch.Result {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case code >= 500:
			return dispatch.Result{Outcome: cadence.Permanent, Message: fmt.Sprintf("SMTP %d", code)}
		case code >= 400 || se.IsTemp():
			return dispatch.Result{Outcome: cadence.Transient, Message: fmt.Sprintf("SMTP %d", code)}
		}
		return dispatch.Result{Outcome: cadence.Transient, Message: "SMTP send failed"}
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		if te.Code >= 500 {
			return dispatch.Result{Outcome: cadence.Permanent, Message: fmt.Sprintf("SMTP %d", te.Code)}
		}
		return dispatch.Result{Outcome: cadence.Transient, Message: fmt.Sprintf("SMTP %d", te.Code)}
	}
	return dispatch.Result{Outcome: cadence.Transient, Message: "SMTP " + errClass(err)}
}

// htmlBody is the plain text as escaped HTML paragraphs.
func htmlBody(text string) string {
	var b strings.Builder
	b.WriteString("<html><body>")
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}
