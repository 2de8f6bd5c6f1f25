// Package archivetest gives tests a migrated lead archive on a real PostgreSQL server
// (internal/testenv), each in a database of its own.
package archivetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/testenv"
)

var seq atomic.Int64

// New is a migrated archive in a new database of pg, closed when the test ends, and its
// DSN. startErr is the error pg was started with: without PostgreSQL the test is skipped
// on a developer machine and fails in CI (testenv.SkipOrFailWithoutPostgres).
func New(tb testing.TB, pg *testenv.Postgres, startErr error) (*archive.Store, string) {
	tb.Helper()
	if startErr != nil {
		testenv.SkipOrFailWithoutPostgres(tb, startErr)
	}
	dsn, err := pg.CreateDatabase(fmt.Sprintf("archive_%d", seq.Add(1)))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := archive.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s, dsn
}
