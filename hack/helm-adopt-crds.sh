#!/usr/bin/env bash
# Hands the followup.io CRDs that were first applied with kubectl (make manifests &&
# kubectl apply -f config/crd/bases) to a Helm release, so `helm install` or `helm upgrade`
# with crds.enabled=true takes them over instead of refusing with "invalid ownership
# metadata". Nothing is deleted or re-created: every lead, policy, campaign and channel
# stays. Usage: hack/helm-adopt-crds.sh RELEASE RELEASE_NAMESPACE
set -euo pipefail
release=${1:?usage: $0 RELEASE RELEASE_NAMESPACE}
namespace=${2:?usage: $0 RELEASE RELEASE_NAMESPACE}
crds=$(kubectl get crd -o name | grep '\.followup\.io$' || true)
if [[ -z "$crds" ]]; then
  echo "no followup.io CRDs in this cluster: nothing to adopt" >&2
  exit 0
fi
for crd in $crds; do
  # Helm owns an object when these two annotations name its release and this label says Helm.
  kubectl annotate "$crd" --overwrite \
    meta.helm.sh/release-name="$release" meta.helm.sh/release-namespace="$namespace"
  kubectl label "$crd" --overwrite app.kubernetes.io/managed-by=Helm
done
echo "the followup.io CRDs now belong to release $release in $namespace"
