// Package orders reads the after-sales webhook a shop or ERP sends to the edge: one
// signed JSON event per order change (confirmed, shipped with tracking, delivered, return
// opened, an NPS answer), checked and turned into the interaction it records on the lead. Pure: the
// body, the secret and the time are passed in.
package orders

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the raw body>" with the
// order-webhook secret.
const SignatureHeader = "X-Followup-Signature"

// Errors of Verify.
var (
	ErrNoSignature  = errors.New("missing " + SignatureHeader)
	ErrBadSignature = errors.New(SignatureHeader + " does not match the body")
)

// Sign is the header value for body with secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks the header against every secret (a rotation lists old and new).
func Verify(secrets []string, body []byte, header string) error {
	got, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || got == "" {
		return ErrNoSignature
	}
	raw, err := hex.DecodeString(got)
	if err != nil {
		return ErrBadSignature
	}
	match := false
	for _, s := range secrets {
		m := hmac.New(sha256.New, []byte(s))
		m.Write(body)
		if hmac.Equal(raw, m.Sum(nil)) && s != "" {
			match = true
		}
	}
	if !match {
		return ErrBadSignature
	}
	return nil
}

// Event is the documented body (docs/inbound.md, "Order events").
type Event struct {
	ID    string     `json:"id"`
	Kind  string     `json:"kind"`
	At    *time.Time `json:"at"`
	Order struct {
		ID       string `json:"id"`
		Carrier  string `json:"carrier"`
		Tracking string `json:"tracking"`
	} `json:"order"`
	Lead struct {
		Name       string `json:"name"`
		ExternalID string `json:"externalId"`
		Email      string `json:"email"`
	} `json:"lead"`
	// Score is the answer of an npsResponse, 0 to 10; only that kind carries it.
	Score *int32 `json:"score"`
}

var kinds = map[string]v1.InteractionKind{
	"confirmed": v1.InteractionOrderConfirmed, "shipped": v1.InteractionOrderShipped,
	"delivered": v1.InteractionOrderDelivered, "returnopened": v1.InteractionReturnOpened,
	"npsresponse": v1.InteractionNPSResponse,
}

var safe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/#-]*$`)

// Problem is why an event is refused: a CamelCase reason and a sentence.
type Problem struct{ Reason, Message string }

func (p *Problem) Error() string { return p.Reason + ": " + p.Message }

// Parse decodes and checks an event (unknown fields refused, so a misspelt field is
// said at once) and returns it with the interaction it records (its time is set by the
// caller, bounded by the lead).
func Parse(body []byte) (Event, v1.InteractionEntry, error) {
	var e Event
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, v1.InteractionEntry{}, &Problem{"InvalidJSON", "the body is not the documented order event: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	kind, ok := kinds[strings.ToLower(e.Kind)]
	named := 0
	for _, s := range []string{e.Lead.Name, e.Lead.ExternalID, e.Lead.Email} {
		if s != "" {
			named++
		}
	}
	switch {
	case !ok:
		return e, v1.InteractionEntry{}, &Problem{"UnknownKind", "kind must be one of confirmed, shipped, delivered, returnOpened, npsResponse"}
	case e.ID == "" || len(e.ID) > 190:
		return e, v1.InteractionEntry{}, &Problem{"MissingID", "id is required (at most 190 characters): each event is recorded once per id"}
	case e.Order.ID == "" || len(e.Order.ID) > 64 || !safe.MatchString(e.Order.ID):
		return e, v1.InteractionEntry{}, &Problem{"InvalidOrder", "order.id is required: letters, digits and . _ : / # - (at most 64)"}
	case len(e.Order.Carrier) > 63 || len(e.Order.Tracking) > 64 || (e.Order.Tracking != "" && !safe.MatchString(e.Order.Tracking)):
		return e, v1.InteractionEntry{}, &Problem{"InvalidTracking", "order.carrier is at most 63 characters, order.tracking at most 64 letters and digits"}
	case named != 1:
		return e, v1.InteractionEntry{}, &Problem{"MissingLead", "name the lead by exactly one of lead.name, lead.externalId or lead.email"}
	case kind == v1.InteractionNPSResponse && (e.Score == nil || *e.Score < 0 || *e.Score > 10):
		return e, v1.InteractionEntry{}, &Problem{"InvalidScore", "an npsResponse carries score, a whole number from 0 to 10"}
	case kind != v1.InteractionNPSResponse && e.Score != nil:
		return e, v1.InteractionEntry{}, &Problem{"InvalidScore", "score belongs to an npsResponse only"}
	}
	in := v1.InteractionEntry{Kind: kind, ID: "order:" + e.ID, By: "order-webhook",
		Order: &v1.OrderRef{ID: e.Order.ID, Carrier: e.Order.Carrier, Tracking: e.Order.Tracking}, Score: e.Score}
	return e, in, nil
}
