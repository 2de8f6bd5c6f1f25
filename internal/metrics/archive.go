package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Archive metric names.
const (
	NameLeadsArchived = "followup_leads_archived_total"
	NameArchiveErrors = "followup_archive_errors_total"
)

var (
	leadsArchived = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: NameLeadsArchived, Help: "Leads written to the archive and deleted from the cluster, by the phase they ended in.",
	}, []string{"namespace", "phase"})

	archiveErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: NameArchiveErrors, Help: "Archive operations that failed (write, read), retried with backoff.",
	}, []string{"operation"})
)

// ArchiveCollectors are the archive's metrics.
var ArchiveCollectors = []prometheus.Collector{leadsArchived, archiveErrors}

func init() { ctrlmetrics.Registry.MustRegister(ArchiveCollectors...) }

// LeadArchived counts a lead that left the cluster for the archive.
func LeadArchived(ns, phase string) { leadsArchived.WithLabelValues(ns, phase).Inc() }

// ArchiveError counts a failed archive operation.
func ArchiveError(operation string) { archiveErrors.WithLabelValues(operation).Inc() }
