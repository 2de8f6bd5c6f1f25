#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the module proxy into bin/k8s/ (the folder
# KUBEBUILDER_ASSETS points at). There are no release downloads here, so setup-envtest
# cannot fetch them. Idempotent: binaries already built for this version are reused.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="${root}/bin/k8s"
k8s_version=v1.37.2
mkdir -p "$out"

stamp="${out}/.version"
if [[ -x "${out}/kube-apiserver" && -x "${out}/etcd" && "$(cat "$stamp" 2>/dev/null)" == "$k8s_version" ]]; then
  exit 0
fi

echo "building kube-apiserver ${k8s_version} and etcd into ${out} (once; a few minutes on 2 cores)" >&2
minor=${k8s_version#v1.}; minor=${minor%%.*}
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${k8s_version} \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor}"

(cd "${root}/hack/tools/kube-apiserver" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" \
  -o "${out}/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
(cd "${root}/hack/tools/etcd" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
  -o "${out}/etcd" go.etcd.io/etcd/server/v3)

# kubectl is preinstalled on our machines; build a matching one where it is not.
if ! command -v kubectl >/dev/null 2>&1; then
  (cd "${root}/hack/tools/kube-apiserver" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" \
    -o "${out}/kubectl" k8s.io/kubernetes/cmd/kubectl)
fi

echo "$k8s_version" > "$stamp"
"${out}/kube-apiserver" --version >&2
