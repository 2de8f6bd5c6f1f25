package returning

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// metav1Time keeps status times at second precision, the precision the API server
// stores, so a recomputed link compares equal and causes no write.
func metav1Time(t time.Time) metav1.Time { return metav1.NewTime(t.UTC().Truncate(time.Second)) }
