// Package archive is the PostgreSQL archive of leads that left the cluster: the whole
// lead (spec and status: its interactions, touches, notices, outcome) stored once per
// UID, findable by the customer's hashed email, phone or company domain, by name, and
// by campaign and submission time for the measures. Closed leads leave etcd, which is
// sized for live state; their history stays queryable here (the way Argo Workflows
// archives workflows and Tekton Results keeps runs).
//
// The schema is versioned by embedded SQL files (migrations/) and applied on first
// use under an advisory lock. Nothing here logs or returns contact data in errors.
package archive

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvDSN is the environment variable the operator and the plugin read the archive's
// connection string from (a flag overrides it). Keep it in a Secret: it may hold a
// password. libpq's PG* variables (PGPASSWORD, PGSSLMODE...) apply too.
const EnvDSN = "FOLLOWUP_ARCHIVE_DSN"

// Store is an open archive. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool

	mu       sync.Mutex
	migrated bool
}

// Open parses the connection string and prepares a pool; it does not connect yet, so
// an operator starts (and serves live leads) while the database is unreachable. The
// schema is brought up to date on first use.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("archive: empty connection string")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts the password in its parse errors.
		return nil, fmt.Errorf("archive: connection string: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close releases the connections.
func (s *Store) Close() { s.pool.Close() }

// Migrate applies the schema now (also done on first use); it returns the version.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := migrate(ctx, s.pool)
	if err == nil {
		s.migrated = true
	}
	return v, err
}

// ready migrates once; a failure is returned to the caller and tried again next time.
func (s *Store) ready(ctx context.Context) error {
	s.mu.Lock()
	done := s.migrated
	s.mu.Unlock()
	if done {
		return nil
	}
	_, err := s.Migrate(ctx)
	return err
}
