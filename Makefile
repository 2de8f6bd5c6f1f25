# followup-operator
SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

BIN ?= $(CURDIR)/bin
CONTROLLER_TOOLS_VERSION ?= v0.23.0
# The one Helm version: bin/helm, the chart tests and CI all use it.
HELM_VERSION ?= v3.19.0
CONTROLLER_GEN ?= $(BIN)/controller-gen
KUBEBUILDER_ASSETS ?= $(BIN)/k8s
export KUBEBUILDER_ASSETS
# A kubectl built by hack/build-control-plane.sh (only where none is installed) is found here.
export PATH := $(PATH):$(BIN)/k8s

.PHONY: all
all: build

##@ Development

$(CONTROLLER_GEN):
	GOBIN=$(BIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## CRDs and RBAC from the markers.
	$(CONTROLLER_GEN) rbac:roleName=followup-operator crd paths="./api/...;./controllers/..." \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	hack/chart-sync.sh

.PHONY: generate
generate: $(CONTROLLER_GEN) ## DeepCopy methods from the markers.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths="./api/..."

.PHONY: fmt
fmt:
	go fmt ./...

.PHONY: vet
vet:
	go vet ./...

.PHONY: control-plane
control-plane: ## Build kube-apiserver and etcd from source into bin/k8s (once).
	hack/build-control-plane.sh

##@ Build and run

.PHONY: build
build: ## The operator and the kubectl plugin.
	go build -o $(BIN)/manager .

.PHONY: run
run: manifests ## Run the operator against the cluster of the current kubeconfig.
	go run . --leader-elect=false

.PHONY: dev
dev: manifests build control-plane ## Local demo: control plane, CRDs, operator, samples.
	hack/dev.sh

##@ Test

.PHONY: test
test: manifests generate control-plane helm ## Unit, envtest, fuzz-seed and chart tests against a real control plane.
	go test $$(go list ./... | grep -v /test/exactlyonce) -count=1
	@# The crash run prints its figures (keys, duplicates, skipped, stuck...).
	go test ./test/exactlyonce -count=1 -v -timeout 10m | grep -v -e '^=== RUN' -e '^=== PAUSE' -e '^=== CONT'

.PHONY: postgres
postgres: ## Debian's PostgreSQL server binaries, which the archive tests start (needs root).
	@compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq postgresql)

.PHONY: soak
soak: control-plane ## The crash run at scale: 1,000 leads, 100 SIGKILLs of the operator, 30% 5xx.
	FOLLOWUP_SOAK=1 go test ./test/exactlyonce -run TestCrashesAndFailures -count=1 -v -timeout 40m | grep -v -e '^=== RUN'

.PHONY: verify
verify: manifests generate ## Fail when generated files are out of date.
	git diff --exit-code -- api config charts

##@ Benchmark

# BENCH_QUICK=1 for a run of a few minutes; every size and duration is a BENCH_<FLAG>
# variable too (BENCH_LEADS=5000, BENCH_OPERATOR_ARGS="--kube-api-qps=500"): docs/benchmark.md.
.PHONY: bench
bench: manifests control-plane ## Speed and scale figures against their targets (docs/benchmark.md).
	go run ./test/bench

.PHONY: bench-100k
bench-100k: manifests control-plane ## The operator's memory with 100k leads (once; takes long).
	BENCH_PHASES=memory BENCH_PHASE_TIMEOUT=$${BENCH_PHASE_TIMEOUT:-90m} go run ./test/bench

# BENCH_QUICK=1: 10,000 leads instead of 100,000; BENCH_ARCHIVE_LEADS, _WORKERS,
# _ETCD_LEADS and _QUERIES set the rest (docs/archive.md, "Figures").
.PHONY: bench-archive
bench-archive: control-plane postgres ## The lead archive's figures: throughput, history p95, size per lead, etcd before/after.
	go run ./test/archivebench

.PHONY: helm
helm: $(BIN)/helm ## Helm from the Go module proxy into bin/ (once).
$(BIN)/helm:
	GOBIN=$(BIN) go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

.PHONY: help
help:
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z0-9_-]+:.*?##/ { printf "  %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
