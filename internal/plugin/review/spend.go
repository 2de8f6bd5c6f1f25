package review

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// totalSpend adds the campaigns' spend, each scaled from its own period to the window,
// into one spend over the window. Spend in several currencies is not added up (that
// would need exchange rates): nil, and a note saying so.
func totalSpend(campaigns []v1.Campaign, window time.Duration) (*v1.Spend, string) {
	total := map[string]float64{}
	for _, c := range campaigns {
		s := c.Spec.Spend
		if s == nil {
			continue
		}
		amount, err := strconv.ParseFloat(s.Amount, 64)
		if err != nil || amount < 0 {
			continue // the CRD refuses such amounts; nothing sensible to add
		}
		period := measures.DefaultWindow
		if s.Period != nil && s.Period.Duration > 0 {
			period = s.Period.Duration
		}
		total[s.Currency] += amount * float64(window) / float64(period)
	}
	switch len(total) {
	case 0:
		return nil, ""
	case 1:
		for cur, amount := range total {
			return &v1.Spend{Money: v1.Money{Amount: strconv.FormatFloat(amount, 'f', 4, 64), Currency: cur},
				Period: &metav1.Duration{Duration: window}}, ""
		}
	}
	cs := make([]string, 0, len(total))
	for c := range total {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return nil, fmt.Sprintf("campaigns spend in %s: the overall row has no ROAS; campaign rows have their own", strings.Join(cs, ", "))
}
