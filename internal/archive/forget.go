package archive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/followup-io/followup-operator/internal/contactkey"
)

// LiveLead is a lead of the contact still in the cluster, which the caller deletes
// after Forget returns.
type LiveLead struct {
	UID, Namespace string
}

// ForgetRequest is an erasure of one contact (GDPR article 17).
type ForgetRequest struct {
	// Keys identify the contact: email and phone keys (a domain would erase a company).
	Keys []contactkey.Key
	// Live are the contact's leads in the cluster: they get a tombstone too, so an
	// archive write racing their deletion cannot store them.
	Live []LiveLead
	// RequestedBy is who asked (the kubeconfig user), for the audit entry.
	RequestedBy string
	Now         time.Time
}

// ForgetResult says what was erased.
type ForgetResult struct {
	// AuditID is the audit entry; CompleteForget fills in the live side.
	AuditID int64
	// ArchivedLeads is the number of archived leads whose data was erased.
	ArchivedLeads int
}

// forgetSQL turns the contact's archived leads and the given live UIDs into tombstones:
// the row keeps its UID, namespace and erasure time, nothing else. Upserting on the
// primary key serializes it with any concurrent archive write of the same lead, so the
// erasure always ends last.
const forgetSQL = `
WITH found AS (
    SELECT DISTINCT l.uid, l.namespace, (l.lead IS NOT NULL) AS had_data
    FROM followup.contact_keys c
    JOIN unnest($1::text[], $2::bytea[]) AS k(kind, digest) ON c.kind = k.kind AND c.digest = k.digest
    JOIN followup.leads l ON l.uid = c.uid
), targets AS (
    SELECT uid, namespace FROM found
    UNION
    SELECT u::uuid, n FROM unnest($3::text[], $4::text[]) AS t(u, n)
), tomb AS (
    INSERT INTO followup.leads AS l (uid, namespace, archived_at, forgotten_at)
    SELECT uid, namespace, $5, $5 FROM targets
    ON CONFLICT (uid) DO UPDATE SET name = NULL, campaign = '', phase = '', submitted_at = NULL,
        closed_at = NULL, last_active_at = NULL, resource_version = '', lead = NULL, inbox = NULL,
        forgotten_at = coalesce(l.forgotten_at, excluded.forgotten_at)
    RETURNING l.uid
)
SELECT count(*) FILTER (WHERE had_data) FROM found`

// forgetKeysSQL removes the hashed contact keys of every tombstone. It is a statement of
// its own: one snapshot per statement, so it also sees the keys an archive write of the
// same lead committed while forgetSQL waited for it (in forgetSQL they were invisible).
const forgetKeysSQL = `
DELETE FROM followup.contact_keys c USING followup.leads l
WHERE c.uid = l.uid AND l.forgotten_at IS NOT NULL`

// Forget erases the contact from the archive and writes the audit entry, in one
// transaction. The caller then deletes the live leads and reports it with
// CompleteForget.
func (s *Store) Forget(ctx context.Context, req ForgetRequest) (ForgetResult, error) {
	if err := s.ready(ctx); err != nil {
		return ForgetResult{}, err
	}
	for _, k := range req.Keys {
		if k.Kind == contactkey.Domain {
			return ForgetResult{}, errors.New("archive: forget takes email and phone keys, never a whole domain")
		}
	}
	if len(req.Keys) == 0 && len(req.Live) == 0 {
		return ForgetResult{}, errors.New("archive: forget needs the contact's email or phone")
	}
	kinds, digests := keyArrays(req.Keys)
	uids := make([]string, len(req.Live))
	nss := make([]string, len(req.Live))
	for i, l := range req.Live {
		uids[i], nss[i] = l.UID, l.Namespace
	}
	now := req.Now.UTC()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return ForgetResult{}, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var res ForgetResult
	if err := tx.QueryRow(ctx, forgetSQL, kinds, digests, uids, nss, now).Scan(&res.ArchivedLeads); err != nil {
		return res, fmt.Errorf("archive: forgetting: %w", err)
	}
	if _, err := tx.Exec(ctx, forgetKeysSQL); err != nil {
		return res, fmt.Errorf("archive: forgetting the contact keys: %w", err)
	}
	if err := tx.QueryRow(ctx, `INSERT INTO followup.forget_audit (requested_at, requested_by, archived_leads, live_leads)
		VALUES ($1, $2, $3, $4) RETURNING id`, now, req.RequestedBy, res.ArchivedLeads, len(req.Live)).Scan(&res.AuditID); err != nil {
		return res, err
	}
	return res, tx.Commit(ctx)
}

// CompleteForget records that the live side of an erasure is done.
func (s *Store) CompleteForget(ctx context.Context, auditID int64, liveDeleted, interactions int, now time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE followup.forget_audit SET completed_at = $2, live_leads = $3, interactions = $4
		WHERE id = $1`, auditID, now.UTC(), liveDeleted, interactions)
	return err
}

// Vacuum marks the space of erased rows reusable now rather than at the next autovacuum.
// A plain VACUUM does not rewrite the files: erased bytes stay on disk until overwritten
// (VACUUM FULL rewrites them), and backups keep them until they expire.
func (s *Store) Vacuum(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "VACUUM followup.leads, followup.contact_keys")
	return err
}

// AuditEntry is one erasure as the audit table keeps it.
type AuditEntry struct {
	ID                       int64
	RequestedAt              time.Time
	CompletedAt              *time.Time
	RequestedBy              string
	ArchivedLeads, LiveLeads int
	Interactions             int
}

// Audit lists the erasures, newest first.
func (s *Store) Audit(ctx context.Context) ([]AuditEntry, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, requested_at, completed_at, requested_by, archived_leads, live_leads, interactions
		FROM followup.forget_audit ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.RequestedAt, &e.CompletedAt, &e.RequestedBy, &e.ArchivedLeads, &e.LiveLeads, &e.Interactions); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
