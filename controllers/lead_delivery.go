package controllers

import (
	"context"
	"fmt"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
	"github.com/followup-io/followup-operator/internal/gather"
	"github.com/followup-io/followup-operator/internal/templates"
)

// touchJob renders a due touch and makes it a send. A message that does not render (or
// renders empty) is never sent: the job reports Unrenderable with the reason.
func (r *LeadReconciler) touchJob(l *v1.Lead, g *gather.Gathered, t *cadence.Touch) sendJob {
	rec := t.Record
	d := dispatch.Delivery{Key: rec.Key, Lead: client.ObjectKeyFromObject(l), Number: rec.Number, Step: rec.Step,
		Channel: rec.Channel, Type: g.Channels[rec.Channel].Type, Task: rec.PerformedBy == v1.PerformedByOwner,
		Owner: l.Status.Owner, Due: rec.Due.Time, Contact: l.Spec.Contact, Template: rec.Template, Notify: t.Notify}
	lane := rec.Channel
	if d.Task {
		lane = "task:" + t.Notify
	}
	j := sendJob{key: rec.Key, lead: d.Lead, lane: l.Namespace + "/" + lane}
	spec := &g.Policy.Spec
	if t.AfterSales && g.AfterSales != nil && g.AfterSales.Policy != nil {
		spec = g.AfterSales.Policy // an after-sales step's template is its own policy's
	}
	msg, problem := render(spec, l, rec)
	if problem != "" && !d.Task {
		j.run = func(context.Context) sendResult {
			return sendResult{outcome: cadence.Unrenderable, message: problem}
		}
		return j
	}
	d.Message = msg
	if d.Type == v1.ChannelWhatsApp && !d.Task {
		d.WhatsAppWindowUntil = cadence.WhatsAppWindowUntil(l)
		approved, problem := whatsAppTemplate(t.Step.WhatsAppTemplate, l, rec)
		if problem != "" {
			j.run = func(context.Context) sendResult {
				return sendResult{outcome: cadence.Unrenderable, message: problem}
			}
			return j
		}
		d.WhatsApp = approved
	}
	j.run = func(ctx context.Context) sendResult {
		res := r.Dispatcher.Dispatch(ctx, d)
		return sendResult{outcome: res.Outcome, message: res.Message, messageID: res.MessageID, waID: res.WhatsAppID, retryAt: res.RetryAt}
	}
	return j
}

// noticeJob makes a notice a send.
func (r *LeadReconciler) noticeJob(l *v1.Lead, n v1.NoticeRecord) sendJob {
	notice := dispatch.Notice{Key: n.Key, Lead: client.ObjectKeyFromObject(l), Channel: n.Channel, Owner: l.Status.Owner,
		Reason: string(n.Reason), Message: n.Message, TouchKey: openTask(l)}
	return sendJob{key: n.Key, lead: notice.Lead, lane: l.Namespace + "/" + n.Channel, run: func(ctx context.Context) sendResult {
		res := r.Dispatcher.Notify(ctx, notice)
		return sendResult{notice: true, outcome: res.Outcome, message: res.Message}
	}}
}

// openTask is the key of the lead's open task (the newest one assigned and not done):
// a notice's action links record the rep's call on it.
func openTask(l *v1.Lead) string {
	for i := len(l.Status.Touches) - 1; i >= 0; i-- {
		if l.Status.Touches[i].Result == v1.TouchTaskAssigned {
			return l.Status.Touches[i].Key
		}
	}
	return ""
}

// render fills a touch's template; problem says why it cannot be sent.
func render(p *v1.FollowUpPolicySpec, l *v1.Lead, rec v1.TouchRecord) (templates.Rendered, string) {
	if rec.Template == "" {
		return templates.Rendered{}, "" // a task with no script
	}
	src, ok := p.Templates[rec.Template]
	if !ok {
		return templates.Rendered{}, fmt.Sprintf("template %s is not defined in the policy", rec.Template)
	}
	subject, body := src.Subject, src.Body
	if tr, ok := src.Translations[rec.Language]; ok && rec.Language != "" { // the translation chosen with the intent
		subject, body = tr.Subject, tr.Body
	}
	c, err := templates.Compile(rec.Template, templates.Source{Subject: subject, Body: body, Variables: src.Variables})
	if err != nil {
		return templates.Rendered{}, fmt.Sprintf("template %s does not parse: %v", rec.Template, err)
	}
	msg, err := c.Render(templateData(l, rec))
	if err != nil {
		return templates.Rendered{}, fmt.Sprintf("template %s does not render for this lead: %v", rec.Template, err)
	}
	if strings.TrimSpace(msg.Body) == "" {
		return templates.Rendered{}, fmt.Sprintf("template %s renders an empty body for this lead", rec.Template)
	}
	return msg, ""
}

// whatsAppTemplate renders a step's approved WhatsApp template parameters; nil when
// the step declares none. problem says why it cannot be sent.
func whatsAppTemplate(w *v1.WhatsAppTemplate, l *v1.Lead, rec v1.TouchRecord) (*dispatch.WhatsAppTemplate, string) {
	if w == nil {
		return nil, ""
	}
	out := &dispatch.WhatsAppTemplate{Name: w.Name, Language: w.Language}
	for i, p := range w.Parameters {
		name := fmt.Sprintf("whatsAppTemplate %s parameter %d", w.Name, i+1)
		c, err := templates.Compile(name, templates.Source{Body: p})
		if err != nil {
			return nil, fmt.Sprintf("template %s does not parse: %v", name, err)
		}
		msg, err := c.Render(templateData(l, rec))
		if err != nil {
			return nil, fmt.Sprintf("template %s does not render for this lead: %v", name, err)
		}
		if strings.TrimSpace(msg.Body) == "" {
			return nil, fmt.Sprintf("template %s renders empty for this lead", name)
		}
		out.Parameters = append(out.Parameters, msg.Body)
	}
	return out, ""
}

func templateData(l *v1.Lead, rec v1.TouchRecord) templates.Data {
	c, s := l.Spec.Contact, l.Spec.Source
	return templates.Data{FirstName: templates.FirstName(c.Name), Name: c.Name, Company: c.Company, Country: c.Country,
		Product: l.Spec.Product, Owner: templates.Owner{Name: l.Status.Owner}, Campaign: s.Campaign, AdGroup: s.AdGroup,
		Keyword: s.Keyword, Region: s.Region, Step: rec.Step, Touch: int(rec.Number), Vars: l.Spec.Vars, Order: orderData(l)}
}

// orderData is the order a won lead's after-sales cadence follows, as templates see it:
// the shop's id, carrier and tracking number as sent, no link made up from them.
func orderData(l *v1.Lead) templates.Order {
	if as := l.Status.AfterSales; as != nil && as.Order != nil {
		return templates.Order{ID: as.Order.ID, Carrier: as.Order.Carrier, Tracking: as.Order.Tracking}
	}
	return templates.Order{}
}
