package review

import (
	"math"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// Row is one group's line of the review, in the units a reader compares: durations as
// text ("26h"), rates as fractions rounded to 3 places, empty where there is no sample.
type Row struct {
	Group                      string              `json:"group"`
	Leads                      int                 `json:"leads"`
	Contacted                  int                 `json:"contacted"`
	MeanFirstResponse          string              `json:"meanFirstResponse,omitempty"`
	P90FirstResponse           string              `json:"p90FirstResponse,omitempty"`
	SLAMet                     int                 `json:"slaMet"`
	SLABreached                int                 `json:"slaBreached"`
	SLAPending                 int                 `json:"slaPending"`
	SLAAttainment              float64             `json:"slaAttainment"`
	Touches                    int                 `json:"touches"`
	TouchesPerLead             float64             `json:"touchesPerLead"`
	DeliveryRate               float64             `json:"deliveryRate"`
	ReadRate                   float64             `json:"readRate"`
	ReplyRate                  float64             `json:"replyRate"`
	QualityMix                 [3]int              `json:"qualityMix"`
	CompletedCadence           int                 `json:"completedCadence"`
	ThreeTouchLeads            int                 `json:"threeTouchLeads"`
	CloseRateAfterCadence      float64             `json:"closeRateAfterCadence"`
	CloseRateAfterThreeTouches float64             `json:"closeRateAfterThreeTouches"`
	Won                        int                 `json:"won"`
	Lost                       int                 `json:"lost"`
	MeanSalesCycle             string              `json:"meanSalesCycle,omitempty"`
	Revenue                    float64             `json:"revenue"`
	Currency                   string              `json:"currency,omitempty"`
	ROAS                       float64             `json:"roas"`
	Recommendations            []v1.Recommendation `json:"recommendations"`
}

func newRow(group string, m measures.Measures, recs []v1.Recommendation) Row {
	r := Row{Group: group, Leads: m.Leads, Contacted: m.Contacted, SLAMet: m.SLAMet, SLABreached: m.SLABreached,
		SLAPending: m.SLAPending, SLAAttainment: round3(m.SLAAttainment), Touches: m.Touches,
		TouchesPerLead: round3(m.TouchesPerLead), DeliveryRate: round3(m.DeliveryRate), ReadRate: round3(m.ReadRate),
		ReplyRate: round3(m.ReplyRate), QualityMix: m.QualityMix, CompletedCadence: m.CompletedCadence, ThreeTouchLeads: m.ThreeTouchLeads,
		CloseRateAfterCadence: round3(m.CloseRateAfterCadence), CloseRateAfterThreeTouches: round3(m.CloseRateAfterThreeTouches),
		Won: m.Won, Lost: m.Lost, Revenue: m.Revenue, Currency: m.Currency, ROAS: round3(m.ROAS),
		Recommendations: recs}
	if r.Recommendations == nil {
		r.Recommendations = []v1.Recommendation{} // [] in JSON: "none", not "unknown"
	}
	if m.Contacted > 0 {
		r.MeanFirstResponse, r.P90FirstResponse = Duration(m.MeanFirstResponse), Duration(m.P90FirstResponse)
	}
	if m.Won > 0 {
		r.MeanSalesCycle = Duration(m.MeanSalesCycle)
	}
	return r
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
