package contactkey

import "strings"

// freeMail are mail providers whose users share nothing but the provider: such a domain
// is never a company's, so it makes no company key and no two contacts one company.
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
func FreeMail(domain string) bool { return freeMail[NormalizeDomain(domain)] }

// CompanyDomain is the key of the company domain of an email address; none for a
// free-mail address (gmail.com is nobody's company).
func CompanyDomain(email string) (Key, bool) {
	d := DomainOf(email)
	if d == "" || FreeMail(d) {
		return Key{}, false
	}
	return ForDomain(d)
}
