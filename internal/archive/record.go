package archive

import (
	"encoding/json"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

// Record is one archived lead.
type Record struct {
	// Lead is the whole object as it was when archived (managedFields dropped: server
	// bookkeeping, often bigger than the lead itself).
	Lead v1.Lead
	// Inbox is the lead's Interaction objects not yet folded into its status when it
	// was archived.
	Inbox []v1.InteractionEntry
	// ArchivedAt is when it was first written.
	ArchivedAt time.Time
	// Writes counts the times it was written: more than one after a crash between the
	// write and the delete, or after the lead changed in between.
	Writes int
}

// NewRecord prepares a lead (and its unfolded interactions) for the archive.
func NewRecord(l *v1.Lead, inbox []v1.Interaction) Record {
	c := l.DeepCopy()
	c.ManagedFields = nil
	c.APIVersion, c.Kind = v1.GroupVersion.String(), "Lead"
	r := Record{Lead: *c}
	for i := range inbox {
		r.Inbox = append(r.Inbox, inbox[i].Spec.InteractionEntry)
	}
	return r
}

// Match is an archived lead found by a contact key, without decoding the lead: enough
// to decide a returning-contact link.
type Match struct {
	UID, Namespace, Name string
	Phase                v1.LeadPhase
	SubmittedAt          time.Time
	LastActiveAt         time.Time
	// Kinds are the key kinds that matched (email, phone, domain).
	Kinds []contactkey.Kind
}

func encode(r *Record) (lead, inbox []byte, err error) {
	if lead, err = json.Marshal(&r.Lead); err != nil {
		return nil, nil, err
	}
	if len(r.Inbox) > 0 {
		if inbox, err = json.Marshal(r.Inbox); err != nil {
			return nil, nil, err
		}
	}
	return lead, inbox, nil
}

func decode(lead, inbox []byte, archivedAt time.Time, writes int) (Record, error) {
	r := Record{ArchivedAt: archivedAt, Writes: writes}
	if err := json.Unmarshal(lead, &r.Lead); err != nil {
		return r, err
	}
	if len(inbox) > 0 {
		if err := json.Unmarshal(inbox, &r.Inbox); err != nil {
			return r, err
		}
	}
	return r, nil
}

func keyArrays(keys []contactkey.Key) (kinds []string, digests [][]byte) {
	for _, k := range keys {
		kinds = append(kinds, string(k.Kind))
		digests = append(digests, append([]byte(nil), k.Digest[:]...))
	}
	return kinds, digests
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
