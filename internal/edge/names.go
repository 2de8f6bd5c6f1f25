package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
)

// sourceName is what a lead source may be called: it becomes part of object names and a
// label value.
var sourceName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$`)

// leadName is deterministic in the source and its lead id, so the same lead submitted
// twice (a retried webhook, a double click, 20 retries at once) answers AlreadyExists
// instead of making a copy. 16 hex digits (64 bits) make a collision between two real
// leads of one namespace negligible.
func leadName(source, externalID string) string {
	sum := sha256.Sum256([]byte(source + "\x00" + externalID))
	return source + "-" + hex.EncodeToString(sum[:])[:16]
}
