package classify

import "testing"

func TestBuyingIntent(t *testing.T) {
	kw := []string{"price", "quote", "discount", "sample", "PI", "proforma", "price list"}
	cases := map[string]bool{
		"Please send me a PI":           true,
		"What's the PRICE?":             true,
		"can you quote 3 units":         true,
		"ok thanks":                     false,
		"our pipe supplier":             false, // PI only as a whole word
		"samples":                       false, // whole words only
		"need the price-list for 2027":  true,
		"Rabatt? discount possible, 谢谢": true,
		"":                              false,
	}
	for text, want := range cases {
		if got := BuyingIntent(text, kw); got != want {
			t.Errorf("BuyingIntent(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestComplaint(t *testing.T) {
	for text, want := range map[string]bool{
		"The pump arrived damaged, I want a refund":        true,
		"Die Lieferung ist beschädigt angekommen":          true,
		"El equipo no funciona desde ayer":                 true,
		"A máquina chegou com defeito":                     true,
		"Je souhaite faire une réclamation":                true,
		"Il motore è difettoso":                            true,
		"Urządzenie nie działa":                            true,
		"Насос сломан":                                     true,
		"Ürün hasarlı geldi":                               true,
		"收到的货物损坏了":                                         true,
		"商品が壊れていました":                                       true,
		"Thanks, all arrived, no complaints":               false,
		"Received it, works great, please send an invoice": false,
		"When will it be shipped?":                         false,
		"":                                                 false,
	} {
		if got := Complaint(text); got != want {
			t.Errorf("Complaint(%q) = %v, want %v", text, got, want)
		}
	}
}
