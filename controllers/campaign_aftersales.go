package controllers

import (
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// statusAfterSales renders the after-sales measures for status; nil when no won lead
// of the campaign followed an after-sales policy.
func statusAfterSales(m measures.AfterSales) *v1.AfterSalesMeasures {
	if m.Leads == 0 {
		return nil
	}
	out := &v1.AfterSalesMeasures{Leads: int32(m.Leads), NPSResponses: int32(m.NPSResponses),
		RepeatPurchases: int32(m.RepeatPurchases), Answered: int32(m.Answered), HandedOff: int32(m.HandedOff)}
	if m.NPSResponses > 0 {
		nps := m.NPSRounded()
		out.NPS = &nps
	}
	if m.WithOrder > 0 {
		out.RepeatPurchaseRate = frac(m.RepeatPurchaseRate)
	}
	if m.Answered > 0 {
		out.MedianTimeToAnswer = roundDur(m.MedianTimeToAnswer)
	}
	return out
}
