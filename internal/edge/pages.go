package edge

import (
	"fmt"
	"html/template"
	"net/http"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// pageData is what one server-rendered page shows. Pages carry no JavaScript: every
// action is a plain HTML form that POSTs a signed link.
type pageData struct {
	Title  string
	Text   string
	Lead   string
	Button *formButton
	Back   string
	Queue  *queueView
}

// formButton is a form with one submit button.
type formButton struct {
	Action string
	Label  string
	Back   string
}

// page answers an HTML page. Links carry signatures, so the page is not cached and no
// referrer leaves it; it may not be framed and runs no script.
func (s *Server) page(w http.ResponseWriter, r *http.Request, code int, reason string, d pageData) {
	if code >= 400 {
		s.Log.Info("edge request refused", "route", r.Pattern, "status", code, "reason", reason)
	}
	requests.WithLabelValues(endpointOf(r), fmt.Sprint(code)).Inc()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Followup-Reason", reason)
	w.WriteHeader(code)
	_ = pages.Execute(w, d)
}

// leadLine is a one-line description of a lead for a page: its name, phase and stage,
// never contact data beyond the company.
func leadLine(l *v1.Lead) string {
	s := l.Namespace + "/" + l.Name
	if c := l.Spec.Contact.Company; c != "" {
		s += " (" + c + ")"
	}
	if p := l.Status.Phase; p != "" {
		s += " · " + string(p)
	}
	if st := l.Status.Stage; st != "" {
		s += " · " + st
	}
	return s
}

var pages = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ccd} .muted{color:#667}
table{border-collapse:collapse;width:100%} td,th{padding:.35rem .4rem;border-bottom:1px solid #eef;text-align:left;vertical-align:top}
form{display:inline} button{margin:.1rem;padding:.3rem .6rem;border:1px solid #889;border-radius:.3rem;background:#f4f6fb;cursor:pointer}
button.primary{background:#2456c8;color:#fff;border-color:#2456c8;font-size:1rem;padding:.5rem 1rem}
</style></head><body>
<h1>{{.Title}}</h1>
{{with .Text}}<p>{{.}}</p>{{end}}
{{with .Lead}}<p class="muted">{{.}}</p>{{end}}
{{with .Button}}<form method="post" action="{{.Action}}">{{with .Back}}<input type="hidden" name="back" value="{{.}}">{{end}}<button class="primary" type="submit">{{.Label}}</button></form>{{end}}
{{with .Queue}}
<p class="muted">As of {{.Now}} · {{.Total}} leads</p>
{{range .Sections}}<h2 id="{{.ID}}">{{.Title}} ({{len .Rows}})</h2>
{{if .Rows}}<table><tr><th>Lead</th><th>State</th><th>Due</th><th>Record</th></tr>
{{range .Rows}}<tr id="lead-{{.Name}}"><td>{{.Name}}{{with .Company}}<br><span class="muted">{{.}}</span>{{end}}</td><td>{{.Phase}}<br><span class="muted">{{.Stage}}</span></td><td>{{.Due}}</td>
<td>{{$back := .Back}}{{range .Buttons}}<form method="post" action="{{.URL}}"><input type="hidden" name="back" value="{{$back}}"><button type="submit" name="do" value="{{.Action}}">{{.Label}}</button></form>{{end}}</td></tr>
{{end}}</table>{{else}}<p class="muted">Nothing here.</p>{{end}}
{{end}}{{end}}
{{with .Back}}<p><a href="{{.}}">Back to my queue</a></p>{{end}}
</body></html>
`))
