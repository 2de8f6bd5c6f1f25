package classify

// The word lists. Matching is on whole lower-case words (a phrase matches consecutive
// words), so "pi" does not match "pipe"; languages written without spaces (Chinese,
// Japanese) match as substrings. docs/inbound.md lists the rules for people.

// action: the customer wants to move towards a purchase (price, quote, PI, order, sample,
// meeting or call, payment, contract).
var action = []string{
	"price", "prices", "pricing", "cost", "how much", "quote", "quotation", "offer", "proforma", "pi",
	"invoice", "order", "purchase", "buy", "sample", "samples", "payment", "contract", "deposit",
	"call me", "call us", "a call", "video call", "phone call", "meeting", "meet", "zoom", "visit your factory",
	"schedule a call", "schedule a meeting", "book a call", "book a meeting", "appointment",
	// German
	"preis", "preise", "kosten", "angebot", "bestellung", "bestellen", "muster", "rechnung", "termin",
	// Spanish, Portuguese
	"precio", "precios", "cotización", "cotizacion", "presupuesto", "pedido", "muestra", "muestras", "reunión",
	"preço", "orçamento", "amostra", "encomenda",
	// French, Italian
	"prix", "devis", "commande", "échantillon", "tarif", "prezzo", "preventivo", "campione", "ordine",
	// Polish, Russian, Turkish
	"cena", "oferta", "zamówienie", "próbka", "цена", "стоимость", "предложение", "образец", "заказ", "счёт",
	"fiyat", "teklif", "numune", "sipariş",
}

// actionJoined: the same for languages written without spaces.
var actionJoined = []string{"报价", "价格", "多少钱", "样品", "订单", "下单", "付款", "合同", "形式发票", "见面", "视频会议", "视频通话",
	"見積", "価格", "サンプル", "注文"}

// information: questions about or answers on the product or the deal.
var information = []string{
	"how", "what", "which", "when", "where", "why", "can you", "could you", "do you", "is it",
	"specification", "specifications", "specs", "spec", "datasheet", "data sheet", "catalog", "catalogue",
	"brochure", "delivery", "lead time", "moq", "minimum order", "certificate", "certificates", "ce", "iso",
	"warranty", "guarantee", "capacity", "dimensions", "size", "weight", "power", "voltage", "material",
	"model", "models", "shipping", "incoterms", "fob", "cif", "exw", "details", "information", "info",
	"discount", "stock", "available", "availability", "manual", "video",
	// German, Spanish, French, Italian, Polish, Russian
	"wie", "welche", "lieferzeit", "technische daten", "rabatt", "cuál", "cuándo", "entrega", "descuento",
	"quelle", "livraison", "remise", "consegna", "sconto", "dostawa", "rabat", "доставка", "скидка", "срок",
}

// informationJoined: the same for languages written without spaces.
var informationJoined = []string{"参数", "规格", "交货", "交期", "证书", "型号", "多久", "怎么", "什么", "吗", "折扣",
	"目录", "納期", "仕様"}

// neutral: phrases that contain a rule's word but do not ask for anything.
var neutral = []string{
	"thanks for the offer", "thank you for the offer", "thanks for your offer", "thank you for your offer",
	"in order to", "not interested", "no need", "danke für das angebot", "gracias por la oferta",
}
