//go:build tools

// Package tools pins the etcd server: `go install pkg@version` refuses it because its
// go.mod has replace directives, so it is built from this module instead.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
