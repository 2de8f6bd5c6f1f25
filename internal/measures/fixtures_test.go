package measures

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// lead builds a lead submitted `ago` before now, contacted `resp` after submission (<0: never).
func lead(name string, ago, resp time.Duration) v1.Lead {
	sub := metav1.NewTime(now.Add(-ago))
	l := v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: sub}}
	l.Spec.Source.SubmittedAt = &sub
	if resp >= 0 {
		c := metav1.NewTime(sub.Add(resp))
		l.Status.FirstResponse.ContactedAt = &c
	}
	return l
}

func withTouches(l v1.Lead, n int) v1.Lead {
	for i := 0; i < n; i++ {
		l.Status.Touches = append(l.Status.Touches, v1.TouchRecord{Number: int32(i + 1), Result: v1.TouchSent, Key: fmt.Sprint(i)})
	}
	return l
}

func won(l v1.Lead, after time.Duration, amount, currency string) v1.Lead {
	l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: metav1.NewTime(submittedAt(&l).Add(after))}
	if amount != "" {
		l.Spec.Outcome.Value = &v1.Money{Amount: amount, Currency: currency}
	}
	return l
}

func dormant(l v1.Lead) v1.Lead {
	t := metav1.NewTime(now)
	l.Status.DormantSince = &t
	return l
}
