#!/usr/bin/env bash
# Installs what the deployment checks (deploy/, `make k8s-tools`) need, from the Go module proxy
# only (no binary downloads): Helm 3 and Helm 4 (the chart must work with both) and
# kubectl-validate (validates rendered objects against the Kubernetes OpenAPI it embeds and
# against CRDs, with the API server's own validation code, CEL rules included). It also gathers
# the CRDs of the optional integrations the chart renders (ServiceMonitor, PodMonitor, PrometheusRule, KEDA
# ScaledObject, Gateway API) from those projects' Go modules, and, when ../shared/crds is absent,
# downloads the operators' CRDs at the pinned release commits (checked against their git blob ids).
#
# Idempotent and quiet: a tool is rebuilt only when its pinned version changes (a stamp file per
# tool); build logs go to .infra/logs. Outputs, outside the repository:
#   ${FALABLAU_CACHE:-~/.cache/falablau}/bin/{helm3,helm4,kubectl-validate}
#   ${FALABLAU_CACHE:-~/.cache/falablau}/crds/extra/*.yaml     (and crds/operators/ if downloaded)
set -Eeuo pipefail

# ── pinned versions ──────────────────────────────────────────────────────────────────────────
HELM3_VERSION=v3.22.0
HELM4_VERSION=v4.3.1
# kubectl-validate publishes no tags after v0.0.4 (which embeds Kubernetes ≤1.30); this commit
# of main (2026-01-05) embeds the OpenAPI of Kubernetes 1.23–1.35.
KUBECTL_VALIDATE_VERSION=v0.0.5-0.20260105161640-a97ccfaca20b
PROMETHEUS_OPERATOR_VERSION=v0.85.0
GATEWAY_API_VERSION=v1.4.1
KEDA_VERSION=v2.20.2

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${FALABLAU_CACHE:-$HOME/.cache/falablau}
BIN_DIR=$CACHE_DIR/bin
CRD_DIR=$CACHE_DIR/crds
LOG_DIR=$REPO_ROOT/.infra/logs
SHARED_DIR=${FALABLAU_SHARED:-$REPO_ROOT/../shared}
mkdir -p "$BIN_DIR" "$CRD_DIR/extra" "$LOG_DIR"

log() { echo "[k8s-tools] $*"; }
die() {
  echo "[k8s-tools] FAILED: $1" >&2
  if [[ -n ${2:-} && -s $2 ]]; then
    echo "[k8s-tools]   ---- last lines of $2 ----" >&2
    tail -n 25 "$2" | sed 's/^/[k8s-tools]   | /' >&2
  fi
  exit 1
}

GO=$(command -v go || true)
[[ -z $GO && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
[[ -n $GO ]] || die "go is not installed (the polyglot machine has it; see docs/infra-local.md)"

# go_tool NAME MODULE_PACKAGE VERSION: `go install` into a scratch GOBIN, then moved to bin/NAME.
go_tool() {
  local name=$1 pkg=$2 version=$3 stamp=$BIN_DIR/.$1.version logfile=$LOG_DIR/k8s-tools-$1.log
  if [[ -x $BIN_DIR/$name && -f $stamp && $(<"$stamp") == "$pkg@$version" ]]; then
    log "$name $version: installed"
    return 0
  fi
  local t0=$SECONDS gobin
  gobin=$(mktemp -d)
  log "$name $version: go install $pkg@$version (first time only; a few minutes on 2 cores)"
  # CGO off: static binaries, no C toolchain needed; -trimpath keeps the build cache reusable.
  if ! CGO_ENABLED=0 GOBIN=$gobin GOFLAGS=-trimpath "$GO" install "$pkg@$version" >"$logfile" 2>&1; then
    rm -rf "$gobin"
    die "go install $pkg@$version" "$logfile"
  fi
  mv "$gobin/$(basename "$pkg")" "$BIN_DIR/$name"
  rm -rf "$gobin"
  echo "$pkg@$version" >"$stamp"
  log "$name $version: built in $((SECONDS - t0))s"
}

# module_dir MODULE VERSION: the module's source in the Go module cache (downloaded if needed).
module_dir() {
  local work dir
  work=$(mktemp -d)
  (cd "$work" && "$GO" mod init falablau.local/crds >/dev/null 2>&1)
  dir=$(cd "$work" && GOFLAGS='' "$GO" mod download -json "$1@$2" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$work"
  [[ -n $dir && -d $dir ]] || die "go mod download $1@$2 gave no source directory"
  echo "$dir"
}

# Copies CRD files out of a module (read-only in the module cache) into crds/extra.
extra_crds() {
  local module=$1 version=$2 sub=$3 stamp=$CRD_DIR/extra/.$(basename "$1").version
  shift 3
  if [[ -f $stamp && $(<"$stamp") == "$module@$version $*" ]]; then return 0; fi
  local dir file
  dir=$(module_dir "$module" "$version")
  for file in "$@"; do
    install -m 644 "$dir/$sub/$file" "$CRD_DIR/extra/$file"
  done
  echo "$module@$version $*" >"$stamp"
  log "CRDs from $module $version: $*"
}

go_tool helm3 helm.sh/helm/v3/cmd/helm "$HELM3_VERSION"
go_tool helm4 helm.sh/helm/v4/cmd/helm "$HELM4_VERSION"
go_tool kubectl-validate sigs.k8s.io/kubectl-validate "$KUBECTL_VALIDATE_VERSION"

extra_crds github.com/prometheus-operator/prometheus-operator "$PROMETHEUS_OPERATOR_VERSION" \
  example/prometheus-operator-crd \
  monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_podmonitors.yaml \
  monitoring.coreos.com_prometheusrules.yaml
extra_crds sigs.k8s.io/gateway-api "$GATEWAY_API_VERSION" config/crd/standard \
  gateway.networking.k8s.io_httproutes.yaml gateway.networking.k8s.io_gateways.yaml
extra_crds github.com/kedacore/keda/v2 "$KEDA_VERSION" config/crd/bases keda.sh_scaledobjects.yaml

# The operators' CRDs: ../shared/crds when present (CI checks it out beside the repository);
# otherwise the same files at the same release commits, verified by their git blob ids
# (the table in ../shared/crds/SOURCES.md).
if [[ -d $SHARED_DIR/crds ]]; then
  log "operator CRDs: $SHARED_DIR/crds"
else
  mkdir -p "$CRD_DIR/operators"
  while read -r file repo commit path blob; do
    target=$CRD_DIR/operators/$file
    if [[ -f $target && $(git hash-object "$target") == "$blob" ]]; then continue; fi
    log "downloading $file ($repo@${commit:0:12})"
    curl -fsSL --retry 3 -o "$target" "https://raw.githubusercontent.com/$repo/$commit/$path" ||
      die "download of $repo/$path failed (no ../shared/crds either)"
    [[ $(git hash-object "$target") == "$blob" ]] || die "$file does not match blob $blob"
  done <<'EOF'
strimzi-040-Crd-kafka.yaml strimzi/strimzi-kafka-operator 6c7b43c4af0db547c10463ba09d1dfa6f5e156a0 install/cluster-operator/040-Crd-kafka.yaml 9598f1c26dff3ec2dc97781e52f3695366031525
strimzi-043-Crd-kafkatopic.yaml strimzi/strimzi-kafka-operator 6c7b43c4af0db547c10463ba09d1dfa6f5e156a0 install/cluster-operator/043-Crd-kafkatopic.yaml f239899977215306017af3fbf6f73ce4c52db813
strimzi-044-Crd-kafkauser.yaml strimzi/strimzi-kafka-operator 6c7b43c4af0db547c10463ba09d1dfa6f5e156a0 install/cluster-operator/044-Crd-kafkauser.yaml ed0577a648413c49dc729fa75d6a49ce4f8850f4
strimzi-045-Crd-kafkanodepool.yaml strimzi/strimzi-kafka-operator 6c7b43c4af0db547c10463ba09d1dfa6f5e156a0 install/cluster-operator/045-Crd-kafkanodepool.yaml 5c8670088513ef9ff38fbb0c67002654abaacf7c
postgresql.cnpg.io_clusters.yaml cloudnative-pg/cloudnative-pg 4b5e244a7d031f67e025c83c1555e7726ecbbfa1 config/crd/bases/postgresql.cnpg.io_clusters.yaml a65a1f0e93d46f092440ac42d1516a40822ca640
mongodbcommunity.mongodb.com_mongodbcommunity.yaml mongodb/mongodb-kubernetes 41e81d7ebccf299463e9d5f81006d3e6b7ddfa91 config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml d7eacf0901e526ab1754223c92f0bc556124ec29
EOF
  log "operator CRDs: $CRD_DIR/operators (downloaded, blob ids verified)"
fi
log "ready: $("$BIN_DIR/helm3" version --short), $("$BIN_DIR/helm4" version --short), kubectl-validate"
