package contactkey

import (
	"strings"
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestOneContactOneKeyHoweverWritten(t *testing.T) {
	same := func(kind Kind, a, b string) {
		t.Helper()
		ka, err := Parse(kind, a)
		if err != nil {
			t.Fatalf("%q: %v", a, err)
		}
		kb, err := Parse(kind, b)
		if err != nil {
			t.Fatalf("%q: %v", b, err)
		}
		if ka != kb {
			t.Errorf("%s %q and %q give different keys", kind, a, b)
		}
	}
	same(Email, "Hanna.K@Example.PL", " hanna.k@example.pl ")
	same(Phone, "+48 501-234-567", "48501234567")
	same(Domain, "Example.PL", "www.example.pl")
	same(Domain, "@example.pl", "example.pl.")

	a, _ := ForEmail("a+x@example.com")
	b, _ := ForEmail("a@example.com")
	if a == b {
		t.Error("plus-tagged addresses are different mailboxes and must not share a key")
	}
	e, _ := ForEmail("x@example.com")
	p, _ := ForPhone("+4930123456")
	if e.Kind == p.Kind || e.String() == p.String() {
		t.Error("kinds must keep keys apart")
	}
}

func TestBadValuesAreRefusedWithoutEchoingThem(t *testing.T) {
	for _, c := range []struct {
		kind Kind
		in   string
	}{{Email, "not-an-address"}, {Email, "@example.com"}, {Phone, "+49 12"}, {Domain, "localhost"}, {Domain, "a@b.c"}} {
		_, err := Parse(c.kind, c.in)
		if err == nil {
			t.Errorf("%s %q accepted", c.kind, c.in)
			continue
		}
		if strings.Contains(err.Error(), c.in) {
			t.Errorf("error repeats the value: %v", err)
		}
	}
}

func TestIdentityAndMatches(t *testing.T) {
	c := v1.Contact{Email: "Hanna@Example.pl", Phone: "+48501234567", WhatsApp: "+48 501 234 567"}
	ids := Identity(c)
	if len(ids) != 2 {
		t.Fatalf("email plus one number (phone and WhatsApp are the same), got %d keys", len(ids))
	}
	if len(All(c)) != 3 {
		t.Fatalf("All adds the domain, got %d", len(All(c)))
	}
	dom, _ := ForDomain("example.pl")
	if !Matches(c, []Key{dom}) {
		t.Error("domain key does not match")
	}
	other, _ := ForEmail("someone@else.com")
	if Matches(c, []Key{other}) {
		t.Error("a different address matched")
	}
	if got := Identity(v1.Contact{LinkedIn: "https://linkedin.com/in/x"}); len(got) != 0 {
		t.Errorf("a contact without email or phone has no identity keys, got %v", got)
	}
}

// TestFreeMailMakesNoCompanyKey: a gmail.com address is the contact's own, never a
// company's: no domain key (the archive would gather every gmail customer under it).
func TestFreeMailMakesNoCompanyKey(t *testing.T) {
	for _, email := range []string{"hanna@gmail.com", "li@QQ.com", "a@gmx.de"} {
		for _, k := range All(v1.Contact{Email: email}) {
			if k.Kind == Domain {
				t.Errorf("%s: a domain key %v", email, k)
			}
		}
	}
	if ks := All(v1.Contact{Email: "hanna@maszyny.pl"}); len(ks) != 2 || ks[1].Kind != Domain {
		t.Errorf("a company address keeps its domain key: %v", ks)
	}
}

// TestAnUnreadNumberStillIdentifies: a number the intake could not read is kept as typed
// (phoneAsGiven); history and forget still find the contact by it.
func TestAnUnreadNumberStillIdentifies(t *testing.T) {
	c := v1.Contact{PhoneAsGiven: "0501 234 567"}
	want, ok := ForPhone("0501-234-567")
	if !ok || !Matches(c, []Key{want}) {
		t.Fatalf("phoneAsGiven not keyed: %v %v", Identity(c), want)
	}
}
