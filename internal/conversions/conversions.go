// Package conversions decides and shapes the upload of a won lead to Google Ads as an
// offline conversion through the Data Manager API (POST
// https://datamanager.googleapis.com/v1/events:ingest, scope
// https://www.googleapis.com/auth/datamanager): the request body, the normalization and
// SHA-256 hashing of email and phone as Google specifies, and the retry schedule kept in
// the lead's status. The decisions are pure (time passed in); client.go sends.
package conversions

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// DefaultEndpoint is the Data Manager API.
const DefaultEndpoint = "https://datamanager.googleapis.com"

// Scope is the OAuth scope the credentials need.
const Scope = "https://www.googleapis.com/auth/datamanager"

// IngestPath is the events.ingest method's path.
const IngestPath = "/v1/events:ingest"

// NormalizeEmail is Google's formatting of an email address before hashing: trimmed,
// lowercased, and for gmail.com and googlemail.com addresses without the dots of the
// part before the @.
func NormalizeEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	local, domain, ok := strings.Cut(s, "@")
	if ok && (domain == "gmail.com" || domain == "googlemail.com") {
		local = strings.ReplaceAll(local, ".", "")
	}
	if !ok {
		return s
	}
	return local + "@" + domain
}

// NormalizePhone is Google's formatting of a phone number: E.164, a + then digits only
// ("+1 (415) 555-2671" -> "+14155552671"). A number without a leading + cannot be
// read in E.164 without its country and gives "".
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") {
		return ""
	}
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range s[1:] {
		if unicode.IsDigit(r) && r < 128 {
			b.WriteRune(r)
		}
	}
	if b.Len() < 8 {
		return ""
	}
	return b.String()
}

// Hash is the lowercase hex SHA-256 of a normalized value (the request says encoding HEX).
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// The events.ingest request body (the fields this operator fills).
type (
	IngestRequest struct {
		Destinations []Destination `json:"destinations"`
		Events       []Event       `json:"events"`
		Encoding     string        `json:"encoding"`
		ValidateOnly bool          `json:"validateOnly,omitempty"`
	}
	Destination struct {
		OperatingAccount     Account  `json:"operatingAccount"`
		LoginAccount         *Account `json:"loginAccount,omitempty"`
		ProductDestinationID string   `json:"productDestinationId"`
	}
	Account struct {
		AccountType string `json:"accountType"`
		AccountID   string `json:"accountId"`
	}
	Event struct {
		TransactionID   string         `json:"transactionId"`
		EventTimestamp  string         `json:"eventTimestamp"`
		ConversionValue *float64       `json:"conversionValue,omitempty"`
		Currency        string         `json:"currency,omitempty"`
		AdIdentifiers   *AdIdentifiers `json:"adIdentifiers,omitempty"`
		UserData        *UserData      `json:"userData,omitempty"`
	}
	AdIdentifiers struct {
		GCLID  string `json:"gclid,omitempty"`
		GBRAID string `json:"gbraid,omitempty"`
		WBRAID string `json:"wbraid,omitempty"`
	}
	UserData struct {
		UserIdentifiers []UserIdentifier `json:"userIdentifiers"`
	}
	UserIdentifier struct {
		EmailAddress string `json:"emailAddress,omitempty"`
		PhoneNumber  string `json:"phoneNumber,omitempty"`
	}
)

// ErrNoIdentifier: the lead has no click id, email or phone to match the conversion by.
var ErrNoIdentifier = errors.New("the lead has no click id (gclid, gbraid, wbraid), email or phone to match a conversion by")

// Build is the events.ingest body for won lead l: one event, the lead's UID as the
// transaction id (so a retry is the same conversion to Google), the outcome's time, the
// order value (the outcome's, else the lead's estimate), click ids as given and email
// and phone normalized and hashed. Personal data leave only hashed.
func Build(l *v1.Lead, cu *v1.ConversionUpload) (IngestRequest, error) {
	e := Event{TransactionID: string(l.UID)}
	if o := l.Spec.Outcome; o != nil {
		e.EventTimestamp = o.At.UTC().Format(time.RFC3339)
	}
	value := l.Spec.Value
	if o := l.Spec.Outcome; o != nil && o.Value != nil {
		value = o.Value
	}
	if value != nil {
		if f, err := strconv.ParseFloat(value.Amount, 64); err == nil {
			e.ConversionValue, e.Currency = &f, value.Currency
		}
	}
	if c := l.Spec.Source.ClickIDs; c != nil && (c.GCLID != "" || c.GBRAID != "" || c.WBRAID != "") {
		e.AdIdentifiers = &AdIdentifiers{GCLID: c.GCLID, GBRAID: c.GBRAID, WBRAID: c.WBRAID}
	}
	var ids []UserIdentifier
	if em := NormalizeEmail(l.Spec.Contact.Email); em != "" {
		ids = append(ids, UserIdentifier{EmailAddress: Hash(em)})
	}
	phone := l.Spec.Contact.Phone
	if phone == "" {
		phone = l.Spec.Contact.WhatsApp
	}
	if p := NormalizePhone(phone); p != "" {
		ids = append(ids, UserIdentifier{PhoneNumber: Hash(p)})
	}
	if len(ids) > 0 {
		e.UserData = &UserData{UserIdentifiers: ids}
	}
	if e.AdIdentifiers == nil && e.UserData == nil {
		return IngestRequest{}, ErrNoIdentifier
	}
	d := Destination{OperatingAccount: Account{AccountType: "GOOGLE_ADS", AccountID: cu.CustomerID},
		ProductDestinationID: cu.ConversionAction}
	if cu.LoginCustomerID != "" {
		d.LoginAccount = &Account{AccountType: "GOOGLE_ADS", AccountID: cu.LoginCustomerID}
	}
	return IngestRequest{Destinations: []Destination{d}, Events: []Event{e}, Encoding: "HEX"}, nil
}

// Marshal is the request as JSON.
func (r IngestRequest) Marshal() []byte {
	b, _ := json.Marshal(r)
	return b
}

// Outcome of one upload attempt.
type Outcome string

// Outcomes.
const (
	Uploaded  Outcome = "Uploaded"
	Transient Outcome = "Transient" // 5xx, 429, network: retried with backoff
	Permanent Outcome = "Permanent" // 4xx: the request is wrong; retrying does not help
)

// MaxAttempts bounds the retries of transient failures.
const MaxAttempts = 8

// Backoff is the wait after the n-th failed attempt: 1 min doubling, at most 6 h.
func Backoff(n int32) time.Duration {
	d := time.Minute
	for i := int32(1); i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Wants says whether won lead l of a campaign that uploads needs an attempt at now,
// and else when (zero: never again).
func Wants(l *v1.Lead, now time.Time) (bool, time.Time) {
	if l.Spec.Outcome == nil || l.Spec.Outcome.Result != v1.OutcomeWon {
		return false, time.Time{}
	}
	if c := apimeta.FindStatusCondition(l.Status.Conditions, v1.ConditionConversionUploaded); c != nil &&
		c.Reason != v1.ReasonUploadRetrying && c.Reason != v1.ReasonCredentialsMissing {
		return false, time.Time{} // uploaded, or failed for good
	}
	if st := l.Status.ConversionUpload; st != nil && st.NextAttemptAt != nil && now.Before(st.NextAttemptAt.Time) {
		return false, st.NextAttemptAt.Time
	}
	return true, time.Time{}
}

// Apply records an attempt's outcome in the lead's status: the ConversionUploaded
// condition (reason and a message without personal data) and the retry schedule. It
// reports whether the condition's reason changed (an event is due).
func Apply(st *v1.LeadStatus, gen int64, o Outcome, reason, message, requestID string, now time.Time) bool {
	cu := st.ConversionUpload
	if cu == nil {
		cu = &v1.ConversionUploadStatus{}
		st.ConversionUpload = cu
	}
	status := metav1.ConditionFalse
	switch o {
	case Uploaded:
		cu.Attempts++
		t := metav1.NewTime(now)
		cu.UploadedAt, cu.NextAttemptAt, cu.RequestID = &t, nil, requestID
		status, reason = metav1.ConditionTrue, v1.ReasonUploaded
		if message == "" {
			message = "accepted by the Data Manager API"
		}
	case Transient:
		cu.Attempts++
		if cu.Attempts >= MaxAttempts {
			cu.NextAttemptAt = nil
			reason, message = v1.ReasonUploadFailed, "gave up after "+strconv.Itoa(int(cu.Attempts))+" attempts: "+message
			break
		}
		t := metav1.NewTime(now.Add(Backoff(cu.Attempts)))
		cu.NextAttemptAt = &t
		if reason == "" {
			reason = v1.ReasonUploadRetrying
		}
		message = "retrying at " + t.UTC().Format(time.RFC3339) + ": " + message
	case Permanent:
		cu.Attempts++
		cu.NextAttemptAt = nil
		if reason == "" {
			reason = v1.ReasonUploadFailed
		}
	}
	prev := apimeta.FindStatusCondition(st.Conditions, v1.ConditionConversionUploaded)
	changed := prev == nil || prev.Reason != reason
	apimeta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: v1.ConditionConversionUploaded, Status: status,
		Reason: reason, Message: truncate(message, 512), ObservedGeneration: gen, LastTransitionTime: metav1.NewTime(now)})
	return changed
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
