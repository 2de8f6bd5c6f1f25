package leadrecord

import v1 "github.com/followup-io/followup-operator/api/v1alpha1"

// IsReceipt says whether a kind is a receipt about a message we sent (delivered, read,
// failed, bounced) rather than something a person did. Receipts carry no direction:
// they are neither the customer answering nor us making contact, and the engine
// classifies them by kind.
func IsReceipt(k v1.InteractionKind) bool {
	switch k {
	case v1.InteractionDelivered, v1.InteractionRead, v1.InteractionDeliveryFailed, v1.InteractionBounced:
		return true
	}
	return false
}

// normalize gives every recorder's entry the same shape for the same kind, so a bounce
// posted by a CRM and one typed into `kubectl followup record --bounce` are stored alike.
func normalize(in *v1.InteractionEntry) {
	switch {
	case IsReceipt(in.Kind):
		in.Direction = ""
	case in.Direction != "":
	case in.Kind == v1.InteractionReply || in.Kind == v1.InteractionAutoReply || in.Kind == v1.InteractionUnsubscribed:
		in.Direction = v1.Inbound // only the customer replies (in person or automatically) or unsubscribes
	case in.Kind == v1.InteractionCallNoAnswer || in.Kind == v1.InteractionMessageSent:
		in.Direction = v1.Outbound // only we call without an answer or send a message
	}
	if in.Kind == v1.InteractionBounced && in.Medium == "" {
		in.Medium = "Email" // only mail bounces
	}
}
