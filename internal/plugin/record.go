package plugin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/autoreply"
	"github.com/followup-io/followup-operator/internal/leadrecord"
	"github.com/followup-io/followup-operator/internal/plugin/cliparse"
)

// recordFlags are what `record` accepts.
type recordFlags struct {
	globals
	call, noAnswer, connected, reply, meeting, bounce, unsubscribe, note, outOfOffice bool
	quality                                                                           int
	medium, at, touch, id, by, until                                                  string
}

// interaction turns the flags into the entry to append, or says what is wrong.
func (f *recordFlags) interaction(now time.Time) (v1.InteractionEntry, error) {
	var in v1.InteractionEntry
	kinds := map[string]bool{"--call": f.call, "--reply": f.reply, "--meeting": f.meeting, "--bounce": f.bounce,
		"--unsubscribe": f.unsubscribe, "--note": f.note, "--out-of-office": f.outOfOffice}
	var set []string
	for name, on := range kinds {
		if on {
			set = append(set, name)
		}
	}
	if (f.noAnswer || f.connected) && !f.call {
		return in, usagef("--no-answer and --connected describe a call; add --call")
	}
	if len(set) != 1 {
		return in, usagef("say what happened with exactly one of --call, --reply, --out-of-office, --meeting, --bounce, --unsubscribe, --note")
	}
	if f.until != "" && !f.outOfOffice {
		return in, usagef("--until is the return day of an --out-of-office")
	}
	if f.quality != 0 && !f.reply {
		return in, usagef("--quality rates a reply; add --reply")
	}
	switch {
	case f.call:
		if f.noAnswer == f.connected {
			return in, usagef("a call is either --no-answer or --connected")
		}
		in.Kind, in.Medium, in.Direction = v1.InteractionCallConnected, "Phone", v1.Outbound
		if f.noAnswer {
			in.Kind = v1.InteractionCallNoAnswer
		}
	case f.reply:
		if f.quality < 1 || f.quality > 3 {
			return in, usagef("--quality must be 1 (polite), 2 (information) or 3 (action), got %d", f.quality)
		}
		q := int32(f.quality)
		in.Kind, in.Direction, in.Quality = v1.InteractionReply, v1.Inbound, &q
		medium, err := cliparse.Medium(f.medium)
		if err != nil {
			return in, usagef("--medium %v", err)
		}
		in.Medium = medium
	case f.outOfOffice:
		// An automatic reply: it pauses the cadence until the day given, else for the
		// policy's outOfOffice.pause; it is not a reply and does not meet the SLA.
		in.Kind, in.Direction = v1.InteractionAutoReply, v1.Inbound
		if f.until != "" {
			d, err := autoreply.ParseDate(f.until)
			if err != nil {
				return in, usagef("--until %v", err)
			}
			in.ReturnDate = d.String()
		}
		medium, err := cliparse.Medium(f.medium)
		if err != nil {
			return in, usagef("--medium %v", err)
		}
		in.Medium = medium
	case f.meeting:
		in.Kind, in.Medium = v1.InteractionMeetingBooked, "Meeting"
	case f.bounce:
		// A receipt about our mail: no direction (internal/leadrecord stores it so).
		in.Kind, in.Medium = v1.InteractionBounced, "Email"
	case f.unsubscribe:
		in.Kind, in.Direction = v1.InteractionUnsubscribed, v1.Inbound
	case f.note:
		in.Kind = v1.InteractionNote
	}
	at, err := cliparse.Time(f.at, now)
	if err != nil {
		return in, usagef("--at %v", err)
	}
	in.At = metav1.NewTime(at)
	in.TouchKey, in.ID, in.By = f.touch, f.id, f.by
	if len(in.By) > 63 {
		return in, usagef("--by is at most 63 characters")
	}
	return in, nil
}

func runRecord(ctx context.Context, args []string, env Env) error {
	var f recordFlags
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	f.bind(fs)
	fs.BoolVar(&f.call, "call", false, "A call to the contact.")
	fs.BoolVar(&f.noAnswer, "no-answer", false, "The call was not answered.")
	fs.BoolVar(&f.connected, "connected", false, "The call was answered.")
	fs.BoolVar(&f.reply, "reply", false, "The contact replied.")
	fs.IntVar(&f.quality, "quality", 0, "Reply quality: 1 polite, 2 information, 3 action.")
	fs.StringVar(&f.medium, "medium", "", "Medium of a reply (email, whatsapp, phone...).")
	fs.BoolVar(&f.outOfOffice, "out-of-office", false, "An automatic reply (out of office): pauses the cadence, is not a reply.")
	fs.StringVar(&f.until, "until", "", "Return day of an --out-of-office (2006-01-02, the contact's zone); default the policy's pause.")
	fs.BoolVar(&f.meeting, "meeting", false, "A meeting was booked.")
	fs.BoolVar(&f.bounce, "bounce", false, "Mail to the contact bounced.")
	fs.BoolVar(&f.unsubscribe, "unsubscribe", false, "The contact asked for no more messages.")
	fs.BoolVar(&f.note, "note", false, "A note with no effect on the cadence.")
	fs.StringVar(&f.at, "at", "", "When it happened (RFC 3339 or relative like -2h); default now.")
	fs.StringVar(&f.touch, "touch", "", "Key of the touch this answers (a task).")
	fs.StringVar(&f.id, "id", "", "An id for this record; repeating a command with the same id records once.")
	fs.StringVar(&f.by, "by", "", "Who records it (the rep).")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	name, err := oneLead(pos)
	if err != nil {
		return err
	}
	in, err := f.interaction(time.Now())
	if err != nil {
		return err
	}
	c, ns, user, err := env.Connect(f.kubeconfig, f.context, f.namespace)
	if err != nil {
		return err
	}
	if in.By == "" && len(user) <= 63 {
		in.By = user
	}
	if in.ID == "" {
		in.ID = derivedID(in)
	}
	added, err := recordInteraction(ctx, c, client.ObjectKey{Namespace: ns, Name: name}, in)
	if err != nil {
		return err
	}
	if !added {
		fmt.Fprintf(env.Out, "lead/%s: %s with id %q was already recorded\n", name, in.Kind, in.ID)
		return nil
	}
	fmt.Fprintf(env.Out, "lead/%s: recorded %s at %s\n", name, in.Kind, in.At.UTC().Format(time.RFC3339))
	return nil
}

// derivedID names an entry recorded without --id by what it says (kind, time to the
// second, recorder, touch), so the same command run twice by accident, say after a
// timeout, still records once; anything that differs is a different event.
func derivedID(in v1.InteractionEntry) string {
	q := int32(0)
	if in.Quality != nil {
		q = *in.Quality
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%s|%s|%d|%s|%s%s", in.Kind, in.At.UTC().Format(time.RFC3339), in.Medium, q, in.By, in.TouchKey,
		returnPart(in.ReturnDate)))
	return "kubectl-" + hex.EncodeToString(sum[:8])
}

// returnPart keeps ids of entries without a return date as they were.
func returnPart(d string) string {
	if d == "" {
		return ""
	}
	return "|" + d
}

// recordInteraction records one entry as an Interaction object, the same write the
// inbound edge makes; false when the event (same lead, same id) was recorded before.
func recordInteraction(ctx context.Context, c client.Client, key client.ObjectKey, in v1.InteractionEntry) (bool, error) {
	l, err := getLead(ctx, c, key)
	if err != nil {
		return false, err
	}
	out, err := leadrecord.CreateInteraction(ctx, c, l, in)
	if apierrors.IsForbidden(err) {
		return false, fmt.Errorf("you may not create interactions in namespace %q (RBAC: create on interactions.followup.io)", key.Namespace)
	}
	return out == leadrecord.Added, err
}

func getLead(ctx context.Context, c client.Client, key client.ObjectKey) (*v1.Lead, error) {
	var l v1.Lead
	if err := c.Get(ctx, key, &l); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("lead %q not found in namespace %q", key.Name, key.Namespace)
		}
		return nil, err
	}
	return &l, nil
}
