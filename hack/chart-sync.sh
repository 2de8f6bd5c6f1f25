#!/usr/bin/env bash
# Copies what the chart must never drift from into it: the generated CRDs, the RBAC rules
# controller-gen wrote from the markers, and the Grafana dashboard. `make manifests` runs it;
# `make verify` fails when the chart is out of date.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
chart="$root/charts/followup-operator/files"
mkdir -p "$chart/crds"
rm -f "$chart"/crds/*.yaml
cp "$root"/config/crd/bases/*.yaml "$chart/crds/"
cp "$root/config/rbac/role.yaml" "$chart/rules.yaml"
cp "$root/config/grafana/followup-dashboard.json" "$chart/followup-dashboard.json"
