package company

import (
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

// same says whether two contacts share a company key.
func same(a, b v1.Contact) bool {
	for _, x := range Keys(a) {
		for _, y := range Keys(b) {
			if x == y {
				return true
			}
		}
	}
	return false
}

func TestSameCompany(t *testing.T) {
	c := func(email, id string) v1.Contact { return v1.Contact{Email: email, CompanyID: id} }
	for _, tc := range []struct {
		a, b v1.Contact
		same bool
	}{
		{c("anna@nordwind.de", ""), c("jens@Nordwind.DE", ""), true},
		{c("anna@nordwind.de", ""), c("jens@nordwind.com", ""), false},
		{c("anna@gmail.com", ""), c("jens@gmail.com", ""), false},
		{c("anna@qq.com", ""), c("li@QQ.com", ""), false},
		{c("anna@163.com", ""), c("li@163.com", ""), false},
		{c("a@outlook.com", ""), c("b@outlook.com", ""), false},
		{c("a@gmx.de", ""), c("b@gmx.de", ""), false},
		{c("a@gmail.com", "acct-1"), c("b@nordwind.de", "acct-1"), true},
		{c("a@gmail.com", "acct-1"), c("b@gmail.com", "acct-2"), false},
		{c("", ""), c("", ""), false},
	} {
		if got := same(tc.a, tc.b); got != tc.same {
			t.Errorf("Same(%+v, %+v) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
	for _, d := range []string{"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
		"qq.com", "163.com", "126.com", "yeah.net", "sina.com", "gmx.de", "web.de", "mail.ru", "yandex.ru", "proton.me", "GMAIL.COM"} {
		if !contactkey.FreeMail(d) {
			t.Errorf("%s is not free mail", d)
		}
	}
	for _, k := range Keys(c("anna@nordwind.de", "")) {
		if k == "nordwind.de" || len(k) < 20 {
			t.Errorf("key %q holds the domain in the clear", k)
		}
	}
}
