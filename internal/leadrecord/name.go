package leadrecord

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// hashLen is the hex digits of the name's hash: 64 bits, so two different events of one
// namespace practically never share a name.
const hashLen = 16

// InteractionName is the object name of event id on lead: the lead's name (so `kubectl
// get interactions` reads well) and a hash of lead and id (so the same event on the same
// lead is the same object, and the same id on another lead is another object). It is a
// valid object name for every valid lead name.
func InteractionName(lead, id string) string {
	sum := sha256.Sum256([]byte(lead + "\x00" + id))
	prefix := lead
	if max := validation.DNS1123SubdomainMaxLength - hashLen - 1; len(prefix) > max {
		prefix = prefix[:max]
	}
	// A cut name may end in "." or "-": "x.-hash" would not be a valid name.
	prefix = strings.TrimRight(prefix, ".-")
	if prefix == "" {
		return "i-" + hex.EncodeToString(sum[:])[:hashLen]
	}
	return prefix + "-" + hex.EncodeToString(sum[:])[:hashLen]
}
