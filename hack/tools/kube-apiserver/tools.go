//go:build tools

// Package tools pins kube-apiserver (and kubectl) so hack/build-control-plane.sh can
// build them from the module proxy: there are no release downloads on this platform.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
