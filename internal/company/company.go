// Package company says which leads belong to one company: the same CRM company id, or
// the same email domain when that domain is a company's and not a free-mail provider's.
// It has no Kubernetes client; internal/indexes indexes leads by its keys.
package company

import (
	"strings"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

// freeMail are mail providers whose users share nothing but the provider: a domain in
// this list never makes two leads one company.
var freeMail = map[string]bool{}

func init() {
	for _, d := range strings.Fields(`
		gmail.com googlemail.com outlook.com outlook.de outlook.fr hotmail.com hotmail.co.uk hotmail.de hotmail.fr
		hotmail.es hotmail.it live.com live.de live.fr live.co.uk msn.com windowslive.com
		yahoo.com yahoo.co.uk yahoo.de yahoo.fr yahoo.es yahoo.it yahoo.co.jp yahoo.com.br yahoo.com.mx ymail.com rocketmail.com
		icloud.com me.com mac.com aol.com aim.com
		qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn sohu.com 139.com 189.cn aliyun.com
		gmx.de gmx.net gmx.at gmx.ch gmx.com web.de t-online.de freenet.de arcor.de posteo.de mailbox.org
		mail.ru bk.ru inbox.ru list.ru yandex.ru yandex.com ya.ru rambler.ru
		proton.me protonmail.com protonmail.ch pm.me tutanota.com tuta.io zoho.com zohomail.com
		mail.com email.com usa.com gmx.us hushmail.com fastmail.com
		orange.fr wanadoo.fr free.fr laposte.net sfr.fr libero.it virgilio.it tiscali.it alice.it
		wp.pl o2.pl onet.pl interia.pl seznam.cz centrum.cz bol.com.br uol.com.br terra.com.br
		naver.com daum.net hanmail.net
		rediffmail.com comcast.net verizon.net att.net sbcglobal.net btinternet.com
	`) {
		freeMail[d] = true
	}
}

// FreeMail says whether a domain belongs to a free-mail provider.
func FreeMail(domain string) bool { return freeMail[contactkey.NormalizeDomain(domain)] }

// Keys are a contact's company keys: "id:<companyId>" and, for an email at a company
// domain, the domain's hashed key (the index holds no domain in the clear). Two leads
// sharing a key are one company. None for a free-mail address without a company id.
func Keys(c v1.Contact) []string {
	var out []string
	if c.CompanyID != "" {
		out = append(out, "id:"+c.CompanyID)
	}
	if d := contactkey.DomainOf(c.Email); d != "" && !freeMail[d] {
		if k, ok := contactkey.ForDomain(d); ok {
			out = append(out, k.String())
		}
	}
	return out
}

// Same says whether two contacts are of one company.
func Same(a, b v1.Contact) bool {
	for _, x := range Keys(a) {
		for _, y := range Keys(b) {
			if x == y {
				return true
			}
		}
	}
	return false
}
