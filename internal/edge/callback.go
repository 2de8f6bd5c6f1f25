package edge

import "strings"

// parseCallbackData reads the biz_opaque_callback_data our WhatsApp sender puts on each
// message: "<namespace>/<lead>/<touch key>" (internal/senders.CallbackData; the format
// is repeated here so the edge does not depend on the senders).
func parseCallbackData(s string) (ns, lead, key string, ok bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" || len(s) > 512 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
