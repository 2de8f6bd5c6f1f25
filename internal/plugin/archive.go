package plugin

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/followup-io/followup-operator/internal/archive"
)

// archiveFlag is how a command reaches the lead archive: --archive-dsn, else
// $FOLLOWUP_ARCHIVE_DSN (prefer the variable: a flag lands in the shell history). The
// plugin talks to PostgreSQL directly; give reps a role that may only read.
type archiveFlag struct{ dsn string }

func (a *archiveFlag) bind(fs *flag.FlagSet) {
	fs.StringVar(&a.dsn, "archive-dsn", os.Getenv(archive.EnvDSN),
		"PostgreSQL connection string of the lead archive (default $"+archive.EnvDSN+").")
}

// open returns the archive, or nil when none is configured.
func (a *archiveFlag) open(ctx context.Context) (*archive.Store, error) {
	if a.dsn == "" {
		return nil, nil
	}
	s, err := archive.Open(ctx, a.dsn)
	if err != nil {
		return nil, usagef("--archive-dsn: %v", err)
	}
	return s, nil
}

// noArchiveNote says on stderr that archived leads were not looked at.
func noArchiveNote(env Env, what string) {
	fmt.Fprintf(env.Err, "note: %s leaves out archived leads: no --archive-dsn or $%s\n", what, archive.EnvDSN)
}
