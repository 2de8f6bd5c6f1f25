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
