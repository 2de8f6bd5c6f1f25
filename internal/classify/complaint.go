package classify

import "strings"

// Complaint reports whether a customer's message complains: something broke, arrived
// damaged, late or wrong, or they want their money back. After a sale such a reply
// hands the lead to its owner as a complaint (internal/cadence). Word lists as for
// Quality, in the same languages; docs/inbound.md lists them. The text is read, never kept.
func Complaint(text string) bool {
	lower := strings.ToLower(text)
	words := tokens(lower)
	words = dropPhrases(words, notComplaintWords)
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return hasAny(words, set, lower, complaintWords, complaintJoined)
}

var (
	complaintWords    = split(complaint)
	notComplaintWords = split(notComplaint)
)

// complaint: a fault with the goods or the service, or a demand to undo the sale.
var complaint = []string{
	"complaint", "complain", "complaining", "broken", "damaged", "defective", "faulty", "not working", "doesn't work",
	"does not work", "stopped working", "missing parts", "wrong item", "wrong product", "never arrived", "not arrived",
	"not received", "still waiting", "refund", "money back", "unacceptable", "disappointed", "poor quality", "bad quality",
	// German
	"reklamation", "beschwerde", "beschädigt", "defekt", "kaputt", "funktioniert nicht", "falsche lieferung",
	"nicht angekommen", "erstattung", "geld zurück", "enttäuscht", "mangelhaft",
	// Spanish, Portuguese
	"reclamación", "reclamacion", "queja", "dañado", "roto", "defectuoso", "no funciona", "no ha llegado", "reembolso",
	"reclamação", "reclamacao", "danificado", "quebrado", "defeito", "não funciona", "não chegou", "reembolso",
	// French, Italian
	"réclamation", "plainte", "endommagé", "cassé", "défectueux", "ne fonctionne pas", "pas reçu", "remboursement",
	"reclamo", "danneggiato", "rotto", "difettoso", "non funziona", "rimborso",
	// Polish, Russian, Turkish
	"reklamacja", "skarga", "uszkodzony", "uszkodzona", "zepsuty", "wadliwy", "nie działa", "zwrot pieniędzy",
	"жалоба", "претензия", "сломан", "повреждён", "поврежден", "брак", "не работает", "возврат денег",
	"şikayet", "hasarlı", "bozuk", "arızalı", "çalışmıyor", "iade",
}

// complaintJoined: the same for languages written without spaces.
var complaintJoined = []string{"投诉", "损坏", "坏了", "质量问题", "不能用", "退款", "没收到", "破损", "苦情", "壊れ", "不良品", "返金"}

// notComplaint: phrases that hold a complaint word but say all is well.
var notComplaint = []string{"no complaints", "no complaint", "not damaged", "nothing damaged", "nothing broken",
	"keine beschwerde", "keine beschwerden", "sin quejas"}
