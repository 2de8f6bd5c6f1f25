package testenv

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPostgresStartsAndServesADatabase: the harness gives a working server, a fresh
// database per caller, and removes everything on Stop.
func TestPostgresStartsAndServesADatabase(t *testing.T) {
	pg := PostgresFor(t)
	dsn, err := pg.CreateDatabase("harness_check")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var db string
	var on string
	if err := conn.QueryRow(ctx, "SELECT current_database(), current_setting('fsync')").Scan(&db, &on); err != nil {
		t.Fatal(err)
	}
	if db != "harness_check" || on != "on" {
		t.Fatalf("database %q fsync %q", db, on)
	}
}
