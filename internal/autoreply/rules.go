package autoreply

import "regexp"

// rule is a phrase list of one language. Phrases are matched on normalized text
// (lower case, "e-mail" spelt "email", single spaces) at word boundaries.
type rule struct {
	lang    string
	phrases []string
}

// subjectRules: subject prefixes mail clients and responders put on automatic replies
// (Outlook's localized "Automatic reply:", Gmail's vacation responder keeps the
// subject, so these are a supplement to the headers).
var subjectRules = []rule{
	{"en", []string{"automatic reply", "auto reply", "autoreply", "auto-reply", "auto response", "automated response",
		"out of office", "out of the office", "ooo:", "away from the office"}},
	{"de", []string{"automatische antwort", "abwesenheitsnotiz", "abwesenheit", "nicht im büro", "autom. antwort"}},
	{"fr", []string{"réponse automatique", "absence du bureau", "message d'absence", "absent du bureau", "absente du bureau"}},
	{"es", []string{"respuesta automática", "respuesta automatica", "fuera de la oficina", "ausencia"}},
	{"pt", []string{"resposta automática", "resposta automatica", "fora do escritório", "ausência temporária", "ausente"}},
	{"zh", []string{"自动回复", "自動回覆", "自动答复", "休假通知", "外出通知"}},
}

// oooSubjectRules: subjects that say "away", not only "automatic".
var oooSubjectRules = []rule{
	{"en", []string{"out of office", "out of the office", "ooo:", "away from the office"}},
	{"de", []string{"abwesenheitsnotiz", "abwesenheit", "nicht im büro"}},
	{"fr", []string{"absence du bureau", "message d'absence", "absent du bureau", "absente du bureau"}},
	{"es", []string{"fuera de la oficina", "ausencia"}},
	{"pt", []string{"fora do escritório", "ausência temporária", "ausente"}},
	{"zh", []string{"休假通知", "外出通知"}},
}

// strongRules: phrases a person's own answer practically never contains.
var strongRules = []rule{
	{"en", []string{"out of the office", "out of office", "away from the office", "away from my desk",
		"limited access to email", "limited access to my email", "no access to email", "no access to my email",
		"limited access to emails", "not be checking email", "not checking email", "without access to email",
		"upon my return", "on my return", "when i return", "respond to your email as soon as", "reply to your email as soon as",
		"this is an automatic reply", "this is an automated reply", "this is an automated response", "this is an automatic response",
		"automatic reply", "auto-reply", "on annual leave", "on parental leave", "on maternity leave", "on paternity leave",
		"on sick leave", "i am currently away", "i'm currently away", "i am away until", "i'm away until",
		"i will be away", "i'll be away", "your email will not be forwarded", "your message will not be forwarded"}},
	{"de", []string{"nicht im büro", "nicht im hause", "nicht im haus", "außer haus", "ausser haus", "abwesenheitsnotiz", "automatische antwort",
		"keinen zugriff auf meine emails", "keinen zugriff auf emails", "eingeschränkten zugriff auf", "eingeschränktem zugriff auf",
		"nur eingeschränkt erreichbar", "nicht erreichbar", "nach meiner rückkehr", "wieder im büro", "ihre email wird nicht weitergeleitet",
		"ihre nachricht wird nicht weitergeleitet", "emails werden nicht weitergeleitet", "in dringenden fällen", "bin ich abwesend",
		"bin ich nicht im büro", "ich bin abwesend", "ich bin derzeit abwesend", "ich bin zurzeit abwesend", "ich bin momentan abwesend"}},
	{"fr", []string{"absent du bureau", "absente du bureau", "absent(e) du bureau", "hors du bureau", "réponse automatique",
		"message automatique", "accès limité à mes emails", "accès limité à ma messagerie", "accès limité aux emails",
		"dès mon retour", "à mon retour", "je suis actuellement absent", "je suis actuellement absente", "je suis actuellement absent(e)",
		"je serai absent", "je serai absente", "je serai absent(e)", "je suis absent", "je suis absente", "je suis absent(e)",
		"votre message ne sera pas transféré", "pour toute urgence"}},
	{"es", []string{"fuera de la oficina", "respuesta automática", "respuesta automatica", "mensaje automático",
		"acceso limitado al correo", "acceso limitado a mi correo", "sin acceso al correo", "a mi regreso", "a mi vuelta",
		"me encuentro fuera", "estaré fuera", "estoy fuera de", "me encuentro ausente", "estaré ausente", "estoy ausente",
		"su correo no será reenviado", "para asuntos urgentes"}},
	{"pt", []string{"fora do escritório", "resposta automática", "resposta automatica", "mensagem automática",
		"acesso limitado ao email", "acesso limitado aos emails", "sem acesso ao email", "ao meu retorno", "quando eu retornar",
		"no meu regresso", "após o meu regresso", "estou ausente", "estarei ausente", "ausente do escritório",
		"para assuntos urgentes"}},
	{"zh", []string{"自动回复", "自動回覆", "自动答复", "不在办公室", "不在辦公室", "外出期间", "休假期间", "休假期間", "出差期间",
		"返回后", "回来后", "回來後", "无法及时回复", "無法及時回覆", "不能及时回复", "暂时无法回复", "将尽快回复您", "会尽快回复您"}},
}

// weakRules: phrases that say "away" but that a person may write too; they count only
// with a return date in the text or a header or subject marking the message automatic.
var weakRules = []rule{
	{"en", []string{"on vacation", "on holiday", "on holidays", "on leave", "on a business trip", "travelling", "traveling",
		"i will be back", "i'll be back", "back in the office", "returning on", "i return on", "i will return"}},
	{"de", []string{"im urlaub", "urlaub", "abwesend", "auf geschäftsreise", "dienstreise", "elternzeit", "wieder erreichbar", "wieder da"}},
	{"fr", []string{"en congé", "en congés", "en vacances", "absent", "absente", "en déplacement", "de retour le", "de retour à partir"}},
	{"es", []string{"de vacaciones", "ausente", "de viaje", "de baja", "estaré de vuelta", "regresaré", "volveré"}},
	{"pt", []string{"de férias", "em férias", "ausente", "em viagem", "de licença", "estarei de volta", "retornarei", "regressarei"}},
	{"zh", []string{"休假", "年假", "外出", "出差", "请假", "放假"}},
}

// quoteHeader starts the quoted part of a reply in the common clients and languages.
var quoteHeader = regexp.MustCompile(`(?i)^(-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|mensagem original)|(on|am|le|el|em) .{4,80}(wrote|schrieb|a écrit|escribió|escreveu)\s*:?$|(from|von|de|发件人|寄件者)\s*[:：])`)
