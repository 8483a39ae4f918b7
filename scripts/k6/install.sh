#!/usr/bin/env bash
# Builds the k6 load generator from the Go module proxy (`go install`, no binary downloads), for
# the scenarios in k6/ (`make k6-tools`; `make k6-smoke` calls it).
#
# Pinned to a release whose core has `k6/websockets` (the browser-style WebSocket API with a
# global event loop; stable since v1.6.0, formerly `k6/experimental/websockets`): chat-ws.js holds many
# Socket.IO connections per VU with it. The version is checked after the build, not assumed.
#
# Idempotent and quiet: rebuilt only when the pinned version changes (a stamp file next to the
# binary); the build log goes to .infra/logs/k6-install.log. Output, outside the repository:
#   ${FALABLAU_CACHE:-~/.cache/falablau}/bin/k6
# Usage: scripts/k6/install.sh [--print-path]   (--print-path: only print the binary's path)
set -Eeuo pipefail

K6_MODULE=go.k6.io/k6
K6_VERSION=v1.8.1

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${FALABLAU_CACHE:-$HOME/.cache/falablau}
BIN_DIR=$CACHE_DIR/bin
K6_BIN=$BIN_DIR/k6
STAMP=$BIN_DIR/.k6.version
LOG_DIR=$REPO_ROOT/.infra/logs
LOG_FILE=$LOG_DIR/k6-install.log

log() { echo "[k6-tools] $*"; }
die() {
  echo "[k6-tools] FAILED: $1" >&2
  if [[ -n ${2:-} && -s $2 ]]; then
    echo "[k6-tools]   ---- last lines of $2 ----" >&2
    tail -n 25 "$2" | sed 's/^/[k6-tools]   | /' >&2
  fi
  exit 1
}

if [[ ${1:-} == --print-path ]]; then
  echo "$K6_BIN"
  exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument '$1' (usage: scripts/k6/install.sh [--print-path])"

mkdir -p "$BIN_DIR" "$LOG_DIR"
if [[ -x $K6_BIN && -f $STAMP && $(<"$STAMP") == "$K6_MODULE@$K6_VERSION" ]]; then
  log "k6 $K6_VERSION: installed ($K6_BIN)"
  exit 0
fi

GO=$(command -v go || true)
[[ -z $GO && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
[[ -n $GO ]] || die "go is not installed (the polyglot machine has it; see docs/infra-local.md)"

# Two builds at once (make -j, two shells) would race on the binary: one waits for the other.
exec 8>"$BIN_DIR/.k6.lock"
flock -w 1200 8 || die "timed out waiting for another k6 build ($BIN_DIR/.k6.lock)"
if [[ -x $K6_BIN && -f $STAMP && $(<"$STAMP") == "$K6_MODULE@$K6_VERSION" ]]; then
  log "k6 $K6_VERSION: installed by a concurrent run"
  exit 0
fi

t0=$SECONDS
gobin=$(mktemp -d)
trap 'rm -rf "$gobin"' EXIT
log "k6 $K6_VERSION: go install $K6_MODULE@$K6_VERSION (first time only; a few minutes on 2 cores)"
# CGO off: a static binary and no C toolchain; -trimpath keeps the Go build cache reusable.
if ! CGO_ENABLED=0 GOBIN=$gobin GOFLAGS=-trimpath "$GO" install "$K6_MODULE@$K6_VERSION" \
  >"$LOG_FILE" 2>&1; then
  die "go install $K6_MODULE@$K6_VERSION" "$LOG_FILE"
fi

# The scenarios import `k6/websockets`: refuse a build whose core lacks it (a wrong pin) now,
# rather than every scenario failing with an import error later.
probe=$gobin/probe.js
cat >"$probe" <<'JS'
import { WebSocket } from 'k6/websockets';
export const options = { vus: 1, iterations: 1 };
export default function () {
  if (typeof WebSocket !== 'function') throw new Error('k6/websockets has no WebSocket');
}
JS
if ! "$gobin/k6" run --quiet --summary-mode=disabled --no-usage-report "$probe" >>"$LOG_FILE" 2>&1; then
  die "k6 $K6_VERSION has no stable k6/websockets module (pick a v1.x release)" "$LOG_FILE"
fi

mv -f "$gobin/k6" "$K6_BIN"
echo "$K6_MODULE@$K6_VERSION" >"$STAMP"
log "k6 $K6_VERSION: built in $((SECONDS - t0))s ($("$K6_BIN" version | head -n1))"
