package archive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/followup-io/followup-operator/internal/contactkey"
	"github.com/followup-io/followup-operator/internal/leadfacts"
)

// ErrForgotten: the lead was erased (kubectl followup forget) and is never archived
// again; the caller deletes it from the cluster all the same.
var ErrForgotten = errors.New("lead was forgotten: not archived")

// putSQL writes a lead and its contact keys in one statement (one round trip, atomic).
// A second write of the same UID updates the row in place (the newer object wins) and
// counts the write, so a crash between the write and the delete never makes a second
// copy; a tombstone (forgotten_at set) is never overwritten, so an erasure racing an
// archive write always wins. Keys are replaced by the current contact's keys.
const putSQL = `
WITH up AS (
    INSERT INTO followup.leads AS l (uid, namespace, name, campaign, phase, submitted_at, closed_at,
        last_active_at, archived_at, resource_version, lead, inbox)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (uid) DO UPDATE SET namespace = excluded.namespace, name = excluded.name,
        campaign = excluded.campaign, phase = excluded.phase, submitted_at = excluded.submitted_at,
        closed_at = excluded.closed_at, last_active_at = excluded.last_active_at,
        resource_version = excluded.resource_version, lead = excluded.lead, inbox = excluded.inbox,
        writes = l.writes + 1
    WHERE l.forgotten_at IS NULL
    RETURNING l.uid, l.writes
), keys AS (
    SELECT k.kind, k.digest FROM unnest($13::text[], $14::bytea[]) AS k(kind, digest)
), stale AS (
    DELETE FROM followup.contact_keys c USING up
    WHERE c.uid = up.uid AND (c.kind, c.digest) NOT IN (SELECT kind, digest FROM keys)
), fresh AS (
    INSERT INTO followup.contact_keys (kind, digest, uid)
    SELECT keys.kind, keys.digest, up.uid FROM keys, up
    ON CONFLICT DO NOTHING
)
SELECT writes FROM up`

// Put writes a lead durably: when it returns nil the transaction is committed (with the
// server's synchronous_commit, on by default), and the caller may delete the lead from
// the cluster. now is the archive time of a first write.
func (s *Store) Put(ctx context.Context, r Record, now time.Time) (writes int, err error) {
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	l := &r.Lead
	if l.UID == "" {
		return 0, errors.New("archive: a lead without a UID cannot be archived")
	}
	lead, inbox, err := encode(&r)
	if err != nil {
		return 0, fmt.Errorf("archive: encoding lead: %w", err)
	}
	kinds, digests := keyArrays(contactkey.All(l.Spec.Contact))
	err = s.pool.QueryRow(ctx, putSQL, string(l.UID), l.Namespace, l.Name, l.Spec.Source.Campaign,
		string(l.Status.Phase), nullTime(leadfacts.SubmittedAt(l)), nullTime(leadfacts.ClosedAt(l)),
		nullTime(leadfacts.LastActivity(l)), now.UTC(), l.ResourceVersion, lead, inbox, kinds, digests).Scan(&writes)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrForgotten
	}
	if err != nil {
		return 0, fmt.Errorf("archive: writing lead %s/%s: %w", l.Namespace, l.Name, err)
	}
	return writes, nil
}
