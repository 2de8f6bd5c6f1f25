package classify

import "testing"

func TestQualityOfRealLookingReplies(t *testing.T) {
	cases := []struct {
		text string
		want int32
	}{
		{"Thanks, received.", 1},
		{"ok", 1},
		{"Thank you, I will look at it next week.", 1},
		{"", 1},
		{"What is the lead time for the 3kW model?", 2},
		{"Do you have CE certificates", 2},
		{"Please send the datasheet and warranty details.", 2},
		{"Can you send a quote for 2 units?", 3},
		{"Please send me a PI", 3},
		{"What's your best price incl. shipping to Gdansk?", 3},
		{"Can we schedule a call on Thursday?", 3},
		{"Bitte schicken Sie ein Angebot.", 3},
		{"¿Cuál es el precio?", 3},
		{"请发报价", 3},
		{"交货期多久？", 2},
		{"Which pipe diameters can it cut?", 2}, // "pipe" is not "pi"
	}
	for _, c := range cases {
		if got := Quality(c.text); got != c.want {
			t.Errorf("Quality(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func FuzzQuality(f *testing.F) {
	for _, s := range []string{"price?", "请发报价", "\xff\xfe", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if q := Quality(s); q < 1 || q > 3 {
			t.Fatalf("Quality(%q) = %d", s, q)
		}
	})
}
