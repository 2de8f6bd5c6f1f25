package senders

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// waMessage is a WhatsApp Cloud API message (POST /{phone-number-id}/messages): a
// template, or free-form text inside the customer service window.
type waMessage struct {
	MessagingProduct string      `json:"messaging_product"`
	RecipientType    string      `json:"recipient_type"`
	To               string      `json:"to"`
	Type             string      `json:"type"`
	Template         *waTemplate `json:"template,omitempty"`
	Text             *waText     `json:"text,omitempty"`
	// BizOpaqueCallbackData comes back in the status webhooks: "<ns>/<lead>/<touch key>".
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type waTemplate struct {
	Name       string        `json:"name"`
	Language   waLanguage    `json:"language"`
	Components []waComponent `json:"components,omitempty"`
}

type waText struct {
	PreviewURL bool   `json:"preview_url"`
	Body       string `json:"body"`
}

type waLanguage struct {
	Code string `json:"code"`
}

type waComponent struct {
	Type       string        `json:"type"`
	Parameters []waParameter `json:"parameters"`
}

type waParameter struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// waError is the Graph API's error answer.
type waError struct {
	Error struct {
		Message      string `json:"message"`
		Type         string `json:"type"`
		Code         int    `json:"code"`
		ErrorSubcode int    `json:"error_subcode"`
		FBTraceID    string `json:"fbtrace_id"`
	} `json:"error"`
}

// CallbackData is what a WhatsApp touch carries back in its status webhooks.
func CallbackData(namespace, lead, key string) string { return namespace + "/" + lead + "/" + key }

// ParseCallbackData reads CallbackData.
func ParseCallbackData(s string) (namespace, lead, key string, ok bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" || len(s) > 512 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// WhatsAppNumber is the number a WhatsApp channel reaches a contact on: contact.whatsapp,
// else contact.phone (most numbers given on a form are on WhatsApp; when one is not, the
// Cloud API says so and the step falls back). Empty: the contact is not reachable here.
func WhatsAppNumber(c v1.Contact) string {
	if c.WhatsApp != "" {
		return c.WhatsApp
	}
	return c.Phone
}

// waAnswer is the Cloud API's answer to a send: the message's wamid.
type waAnswer struct {
	Contacts []struct {
		Input string `json:"input"`
		WaID  string `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

// waContent is what a WhatsApp touch sends at now: free-form text (the rendered body)
// while the contact's customer service window is open, else the step's approved
// template (or, when it declares none, the template named like the policy template
// with the rendered body as {{1}}). Never free-form outside the window: the check is
// made here, at the send, by the router's clock.
func waContent(d dispatch.Delivery, channelLanguage string, now time.Time) (typ string, tmpl *waTemplate, text *waText) {
	if cadence.FreeFormAllowed(d.WhatsAppWindowUntil, now) && d.Message.Body != "" {
		return "text", nil, &waText{Body: d.Message.Body}
	}
	approved := d.WhatsApp
	if approved == nil {
		approved = &dispatch.WhatsAppTemplate{Name: d.Template}
		if d.Message.Body != "" {
			approved.Parameters = []string{d.Message.Body}
		}
	}
	lang := approved.Language
	if lang == "" {
		lang = channelLanguage
	}
	if lang == "" {
		lang = "en"
	}
	tmpl = &waTemplate{Name: approved.Name, Language: waLanguage{Code: lang}}
	if len(approved.Parameters) > 0 {
		c := waComponent{Type: "body"}
		for _, p := range approved.Parameters {
			c.Parameters = append(c.Parameters, waParameter{Type: "text", Text: p})
		}
		tmpl.Components = []waComponent{c}
	}
	return "template", tmpl, nil
}

// sendWhatsApp sends a touch through the Cloud API (waContent says what).
func (r *Router) sendWhatsApp(ctx context.Context, ch *v1.Channel, creds Credentials, d dispatch.Delivery) dispatch.Result {
	to := WhatsAppNumber(d.Contact)
	if to == "" {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "contact has no whatsapp or phone number"}
	}
	token := creds.get(keyOf(ch, "accessToken"))
	if token == "" {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "no access token in the channel's Secret"}
	}
	spec := ch.Spec.WhatsApp
	typ, tmpl, text := waContent(d, spec.Language, r.clock.Now())
	if typ == "template" && tmpl.Name == "" {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "outside the 24-hour window and no approved WhatsApp template: set the step's whatsAppTemplate"}
	}
	msg := waMessage{MessagingProduct: "whatsapp", RecipientType: "individual", To: strings.TrimPrefix(to, "+"),
		Type: typ, Template: tmpl, Text: text, BizOpaqueCallbackData: CallbackData(d.Lead.Namespace, d.Lead.Name, d.Key)}
	body, err := json.Marshal(msg)
	if err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "encoding error"}
	}
	base := spec.APIBase
	if base == "" {
		base = "https://graph.facebook.com/v21.0"
	}
	ctx, cancel := context.WithTimeout(ctx, r.whatsAppTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/"+spec.PhoneNumberID+"/messages",
		strings.NewReader(string(body)))
	if err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "invalid api base"}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		return dispatch.Result{Outcome: cadence.Transient, Message: errClass(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// The wamid is what every status webhook about this message carries; the lead
		// controller keeps it on the touch record.
		var a waAnswer
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&a)
		res := dispatch.Result{Outcome: cadence.Sent}
		if len(a.Messages) > 0 && len(a.Messages[0].ID) <= 256 {
			res.MessageID = a.Messages[0].ID
		}
		res.WhatsAppID = waIDIfOther(a, msg.To)
		return res
	}
	var e waError
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e)
	return whatsAppResult(resp.StatusCode, e.Error.Code)
}

// waIDIfOther is the recipient's wa_id from the send's answer when it is not the number
// sent to: Meta answers with the id the customer's messages will come from, which for
// some countries' mobile numbers (Brazil's ninth digit, Mexico's 521, Argentina's 549)
// is another string of digits than the number as dialled. Only digits, at most 20.
func waIDIfOther(a waAnswer, to string) string {
	if len(a.Contacts) == 0 {
		return ""
	}
	id := a.Contacts[0].WaID
	if id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" || id == to {
		return ""
	}
	return id
}
