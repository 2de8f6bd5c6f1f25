package measures

import (
	"sort"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Group is the measures of the leads sharing one key of a dimension.
type Group struct {
	Key string
	Measures
}

// Breakdown groups by a dimension, sorted by lead count (desc, then key), the top N kept and
// the rest summed into a Group with Key "(other)". Leads without a value group under "".
func Breakdown(leads []v1.Lead, dim Dimension, o Options) []Group {
	byKey := map[string][]*v1.Lead{}
	for _, l := range inWindow(leads, o) {
		k := keyOf(l, dim)
		byKey[k] = append(byKey[k], l)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ni, nj := len(byKey[keys[i]]), len(byKey[keys[j]])
		if ni != nj {
			return ni > nj
		}
		return keys[i] < keys[j]
	})
	n := o.topN()
	out := make([]Group, 0, min(len(keys), n+1))
	var rest []*v1.Lead
	for i, k := range keys {
		if i < n {
			out = append(out, Group{Key: k, Measures: compute(byKey[k], o)})
			continue
		}
		rest = append(rest, byKey[k]...)
	}
	if len(rest) > 0 {
		out = append(out, Group{Key: OtherKey, Measures: compute(rest, o)})
	}
	return out
}

func keyOf(l *v1.Lead, dim Dimension) string {
	s := l.Spec.Source
	switch dim {
	case ByCampaign:
		return s.Campaign
	case ByAdGroup:
		return s.AdGroup
	case ByKeyword:
		return s.Keyword
	case ByRegion:
		return s.Region
	}
	return ""
}
