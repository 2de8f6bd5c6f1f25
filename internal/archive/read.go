package archive

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

const recordColumns = "lead, inbox, archived_at, writes"

func scanRecords(rows pgx.Rows) ([]Record, error) {
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var lead, inbox []byte
		var at time.Time
		var writes int
		if err := rows.Scan(&lead, &inbox, &at, &writes); err != nil {
			return nil, err
		}
		r, err := decode(lead, inbox, at, writes)
		if err != nil {
			return nil, fmt.Errorf("archive: decoding a stored lead: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Get is the archived lead with this UID; nil when there is none (or it was forgotten).
func (s *Store) Get(ctx context.Context, uid string) (*Record, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, "SELECT "+recordColumns+" FROM followup.leads WHERE uid = $1 AND forgotten_at IS NULL", uid)
	if err != nil {
		return nil, err
	}
	rs, err := scanRecords(rows)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return &rs[0], nil
}

// ByName is the archived leads of that name in the namespaces (all when none are
// given), newest first: a name can be reused by a later lead.
func (s *Store) ByName(ctx context.Context, namespaces []string, name string) ([]Record, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, "SELECT "+recordColumns+` FROM followup.leads
		WHERE name = $1 AND forgotten_at IS NULL AND (coalesce(cardinality($2::text[]), 0) = 0 OR namespace = ANY($2))
		ORDER BY submitted_at DESC`, name, namespaces)
	if err != nil {
		return nil, err
	}
	return scanRecords(rows)
}

// ByContact is every archived lead sharing one of the keys, in the namespaces (all
// when none are given), oldest first.
func (s *Store) ByContact(ctx context.Context, namespaces []string, keys []contactkey.Key) ([]Record, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, nil
	}
	kinds, digests := keyArrays(keys)
	rows, err := s.pool.Query(ctx, "SELECT "+recordColumns+` FROM followup.leads WHERE uid IN (
			SELECT c.uid FROM followup.contact_keys c JOIN unnest($1::text[], $2::bytea[]) AS k(kind, digest)
			ON c.kind = k.kind AND c.digest = k.digest)
		AND forgotten_at IS NULL AND (coalesce(cardinality($3::text[]), 0) = 0 OR namespace = ANY($3))
		ORDER BY submitted_at, uid`, kinds, digests, namespaces)
	if err != nil {
		return nil, err
	}
	return scanRecords(rows)
}

// Matches finds the archived leads of a namespace sharing a key and active since the
// given time, without decoding them: the archive side of a returning-contact link.
func (s *Store) Matches(ctx context.Context, namespace string, keys []contactkey.Key, activeSince time.Time) ([]Match, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, nil
	}
	kinds, digests := keyArrays(keys)
	rows, err := s.pool.Query(ctx, `SELECT l.uid::text, l.namespace, l.name, l.phase, l.submitted_at, l.last_active_at,
			array_agg(DISTINCT c.kind ORDER BY c.kind)
		FROM followup.contact_keys c
		JOIN unnest($1::text[], $2::bytea[]) AS k(kind, digest) ON c.kind = k.kind AND c.digest = k.digest
		JOIN followup.leads l ON l.uid = c.uid
		WHERE l.namespace = $3 AND l.forgotten_at IS NULL AND l.last_active_at >= $4
		GROUP BY l.uid
		ORDER BY l.last_active_at DESC`, kinds, digests, namespace, activeSince.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Match
	for rows.Next() {
		var m Match
		var phase string
		var kinds []string
		var sub, active *time.Time
		if err := rows.Scan(&m.UID, &m.Namespace, &m.Name, &phase, &sub, &active, &kinds); err != nil {
			return nil, err
		}
		m.Phase = v1.LeadPhase(phase)
		if sub != nil {
			m.SubmittedAt = *sub
		}
		if active != nil {
			m.LastActiveAt = *active
		}
		for _, k := range kinds {
			m.Kinds = append(m.Kinds, contactkey.Kind(k))
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Scope selects archived leads for the measures.
type Scope struct {
	// Namespaces: all when empty.
	Namespaces []string
	// Campaign: any when empty.
	Campaign string
}

// Submitted is the archived leads of the scope submitted in (from, to]: the same window
// internal/measures counts, so adding them to the live leads makes archiving invisible
// in every figure.
func (s *Store) Submitted(ctx context.Context, sc Scope, from, to time.Time) ([]v1.Lead, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, "SELECT "+recordColumns+` FROM followup.leads
		WHERE forgotten_at IS NULL AND submitted_at > $1 AND submitted_at <= $2
		AND (coalesce(cardinality($3::text[]), 0) = 0 OR namespace = ANY($3)) AND ($4 = '' OR campaign = $4)
		ORDER BY submitted_at, uid`, from.UTC(), to.UTC(), sc.Namespaces, sc.Campaign)
	if err != nil {
		return nil, err
	}
	rs, err := scanRecords(rows)
	if err != nil {
		return nil, err
	}
	out := make([]v1.Lead, len(rs))
	for i := range rs {
		out[i] = rs[i].Lead
	}
	return out, nil
}

// Size is the archive's footprint: leads stored and bytes on disk (tables, indexes and
// TOAST), for the benchmark and operators sizing the database.
type Size struct {
	Leads, Forgotten int64
	Bytes            int64
}

// Size measures the archive.
func (s *Store) Size(ctx context.Context) (Size, error) {
	if err := s.ready(ctx); err != nil {
		return Size{}, err
	}
	var sz Size
	err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE forgotten_at IS NULL), count(*) FILTER (WHERE forgotten_at IS NOT NULL),
		pg_total_relation_size('followup.leads') + pg_total_relation_size('followup.contact_keys')
		FROM followup.leads`).Scan(&sz.Leads, &sz.Forgotten, &sz.Bytes)
	return sz, err
}
