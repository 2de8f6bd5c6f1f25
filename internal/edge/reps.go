package edge

import (
	"net/http"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/repqueue"
)

// queueView is a rep's queue page.
type queueView struct {
	Rep      string
	Now      string
	Total    int
	Sections []queueSection
}

type queueSection struct {
	ID, Title string
	Rows      []queueRow
}

type queueRow struct {
	Name, Company, Phase, Stage, Due string
	Back                             string
	Buttons                          []actionlink.Button
}

// repPage serves a rep's queue (GET /reps/NAME?ns=...&exp=...&sig=..., a signed link from
// a task or notice message): the leads the rep owns that need them, with the action
// buttons. Server-rendered, no JavaScript: each button is a form that POSTs a signed
// action link, which answers with a page linking back here.
func (s *Server) repPage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		s.page(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", pageData{Title: "Method not allowed", Text: "Open the link in a browser."})
		return
	}
	rep := r.PathValue("name")
	l, keys, ok := s.verifiedLink(w, r, rep) // the namespace's keys, read once
	if !ok {
		return
	}
	var leads v1.LeadList // read only: the cache's objects, not a deep copy of the namespace
	if err := s.Client.List(r.Context(), &leads, client.InNamespace(l.Namespace), client.UnsafeDisableDeepCopy); err != nil {
		s.apiError(err, "listing leads", l.Namespace, "")
		s.page(w, r, http.StatusServiceUnavailable, "APIUnavailable", pageData{Title: "Try again", Text: "The leads could not be read."})
		return
	}
	now := s.Clock.Now()
	q := repqueue.Build(leads.Items, rep, now, 0)
	key := keys[0] // verifiedLink verified with one of them
	back := r.URL.RequestURI()
	view := &queueView{Rep: rep, Now: now.UTC().Format("2006-01-02 15:04 MST"), Total: q.Total()}
	for _, sec := range repqueue.Sections {
		qs := queueSection{ID: string(sec), Title: sec.Title()}
		for _, it := range q[sec] {
			row := queueRow{Name: it.Name, Company: it.Company, Phase: string(it.Phase), Stage: it.Stage, Back: back}
			if !it.When.IsZero() {
				row.Due = it.When.UTC().Format("2006-01-02 15:04 MST")
			}
			for _, a := range actionlink.For(it.TouchKey) {
				// The page's own links live as long as the page's link does.
				link := actionlink.Link{Namespace: it.Namespace, Subject: it.Name, TouchKey: it.TouchKey, Action: a, Expires: l.Expires}
				row.Buttons = append(row.Buttons, actionlink.Button{Action: a, Label: a.Label(),
					URL: "/act?" + actionlink.Query(key, link).Encode()})
			}
			qs.Rows = append(qs.Rows, row)
		}
		view.Sections = append(view.Sections, qs)
	}
	s.Log.Info("rep page", "namespace", l.Namespace, "rep", rep, "leads", view.Total)
	s.page(w, r, http.StatusOK, "Queue", pageData{Title: "Queue of " + rep, Queue: view})
}
