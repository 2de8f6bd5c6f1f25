package exactlyonce

import (
	"io"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// The operator under test is a process of its own, whose log the crash run reads; this
// process's controller-runtime log (envtest's start-up) is not wanted, and without a
// logger set controller-runtime prints a stack trace saying so.
func init() { ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard))) }
