// Command kubectl-followup is the `kubectl followup` plugin: put it on PATH.
package main

import (
	"context"
	"os"

	"github.com/followup-io/followup-operator/internal/plugin"
)

func main() {
	os.Exit(plugin.Run(context.Background(), os.Args[1:], plugin.Env{Out: os.Stdout, Err: os.Stderr, Connect: plugin.Connect}))
}
