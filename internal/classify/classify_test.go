package classify

import "testing"

func TestQualityOfRealLookingReplies(t *testing.T) {
	cases := []struct {
		text string
		want int32
	}{
		// 1 polite
		{"Thanks, received.", Polite},
		{"ok", Polite},
		{"OK 👍", Polite},
		{"Thank you, I will look at it next week.", Polite},
		{"Not now, maybe next quarter.", Polite},
		{"Thanks for the offer, we will discuss internally.", Polite},
		{"We bought a new machine in order to expand.", Polite},
		{"Danke, erhalten.", Polite},
		{"收到，谢谢", Polite},
		{"", Polite},
		// 2 information
		{"What is the lead time for the 3kW model?", Information},
		{"lead time?", Information},
		{"discount?", Information}, // the brief's example of an information exchange
		{"Do you have CE certificates", Information},
		{"Please send the datasheet and warranty details.", Information},
		{"Which pipe diameters can it cut?", Information}, // "pipe" is not "pi"
		{"Our MOQ is fine, delivery to Hamburg port.", Information},
		{"Wie lange ist die Lieferzeit?", Information},
		{"¿Tienen descuento por volumen", Information},
		{"交货期多久？", Information},
		{"有CE证书吗", Information},
		// 3 action
		{"Can you send a quote for 2 units?", Action},
		{"Please send me a PI", Action},
		{"send me a PI", Action},
		{"What's your best price incl. shipping to Gdansk?", Action},
		{"How much for 10 pcs FOB Shanghai", Action},
		{"Can we schedule a call on Thursday?", Action},
		{"Let's have a video call tomorrow", Action},
		{"We would like to order 3 units, please send the contract.", Action},
		{"Please send a sample to our office.", Action},
		{"Bitte schicken Sie ein Angebot.", Action},
		{"¿Cuál es el precio?", Action},
		{"Pouvez-vous envoyer un devis ?", Action},
		{"Prosimy o ofertę cenową, cena za sztukę", Action},
		{"Какая цена?", Action},
		{"请发报价", Action},
		{"样品多少钱", Action},
		{"見積もりをお願いします", Action},
	}
	for _, c := range cases {
		if got := Quality(c.text); got != c.want {
			t.Errorf("Quality(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func FuzzQuality(f *testing.F) {
	for _, s := range []string{"price?", "请发报价", "\xff\xfe", "ok", "thanks for the offer in order to", "a a a a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if q := Quality(s); q < Polite || q > Action {
			t.Fatalf("Quality(%q) = %d", s, q)
		}
	})
}

func BenchmarkQuality(b *testing.B) {
	text := "Hello, thanks for the catalogue. What is the lead time for the 3kW model, and could you send a quote for 2 units incl. shipping to Gdansk?"
	b.ReportAllocs()
	for b.Loop() {
		Quality(text)
	}
}
