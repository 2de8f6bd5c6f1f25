// Package classify rates a customer's reply by the response-quality levels of the domain
// brief: 1 polite (acknowledges, nothing more), 2 information exchange (asks or answers
// questions), 3 action (asks for a price, quote, sample, PI, order, meeting or call). The
// rules are word lists, documented in docs/inbound.md; the text is read, never stored.
package classify

import (
	"strings"
	"unicode"
)

// action words and phrases: the customer wants to move towards a purchase.
var action = []string{
	"price", "prices", "pricing", "quote", "quotation", "offer", "proforma", "pi", "invoice", "order", "purchase",
	"sample", "samples", "discount", "payment", "contract", "deposit", "moq order", "call me", "meeting", "visit",
	"schedule a call", "book a call", "buy",
	// German, Spanish, French, Portuguese, Polish
	"preis", "angebot", "bestellung", "muster", "precio", "cotización", "cotizacion", "pedido", "muestra",
	"prix", "devis", "commande", "échantillon", "preço", "orçamento", "cena", "oferta", "zamówienie", "próbka",
}

// actionCJK are matched as substrings (no spaces between words).
var actionCJK = []string{"报价", "价格", "多少钱", "样品", "订单", "下单", "付款", "合同", "折扣", "見積", "価格", "サンプル"}

// information words: questions about the product or the deal.
var information = []string{
	"how", "what", "which", "when", "where", "specification", "specifications", "specs", "spec", "datasheet",
	"catalog", "catalogue", "delivery", "lead time", "moq", "certificate", "certificates", "ce", "warranty",
	"capacity", "dimensions", "material", "model", "models", "shipping", "incoterms", "details", "information",
	"wie", "welche", "lieferzeit", "cuál", "cuando", "entrega", "quelle", "livraison",
}

var informationCJK = []string{"参数", "规格", "交货", "交期", "证书", "型号", "多久", "怎么", "吗", "？"}

// Quality rates text: 3 when it asks for action, 2 when it asks or gives information,
// 1 otherwise (a polite acknowledgement). Empty text is 1.
func Quality(text string) int32 {
	lower := strings.ToLower(text)
	words := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	switch {
	case hasAny(words, lower, action, actionCJK):
		return 3
	case strings.Contains(text, "?") || hasAny(words, lower, information, informationCJK):
		return 2
	}
	return 1
}

func hasAny(words []string, lower string, terms, cjk []string) bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	for _, t := range terms {
		if strings.Contains(t, " ") {
			if strings.Contains(" "+strings.Join(words, " ")+" ", " "+t+" ") {
				return true
			}
			continue
		}
		if set[t] {
			return true
		}
	}
	for _, t := range cjk {
		if strings.Contains(lower, t) {
			return true
		}
	}
	return false
}
