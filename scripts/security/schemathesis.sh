#!/usr/bin/env bash
# `make security-api`: schemathesis (from PyPI) against auth's, chat's and archive's /openapi.json
# with valid tokens: 0 server errors, every response as documented.
#
#   1. schemathesis, pinned, in a venv outside the repository (installed once; reinstalled when
#      the pin changes; quiet — the pip log goes to .infra/logs/schemathesis-install.log):
#        ${FALABLAU_CACHE:-~/.cache/falablau}/venv-schemathesis
#   2. scripts/security/schemathesis.mjs: the three services as real processes on free loopback
#      ports against the servers of `make infra-up` (own throw-away databases), tokens, one
#      schemathesis run per service (archive: one with an admin's token, one with a service
#      token for the internal batch endpoint), reports in .infra/security/schemathesis/.
#
# Needs the build (`make build`) and the local servers (`make infra-up`).
# Usage: scripts/security/schemathesis.sh [--examples N] [--seed N]   (default 100 examples)
set -Eeuo pipefail

SCHEMATHESIS_VERSION=4.32.5

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${FALABLAU_CACHE:-$HOME/.cache/falablau}
VENV=$CACHE_DIR/venv-schemathesis
STAMP=$VENV/.schemathesis.version
LOG_DIR=$REPO_ROOT/.infra/logs
LOG_FILE=$LOG_DIR/schemathesis-install.log

log() { echo "[security-api] $*"; }
die() {
  echo "[security-api] FAILED: $1" >&2
  if [[ -n ${2:-} && -s $2 ]]; then
    echo "[security-api]   ---- last lines of $2 ----" >&2
    tail -n 25 "$2" | sed 's/^/[security-api]   | /' >&2
  fi
  exit 1
}

case ${1:-} in
  -h | --help)
    sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
esac

mkdir -p "$CACHE_DIR" "$LOG_DIR"
if [[ -x $VENV/bin/schemathesis && -f $STAMP && $(<"$STAMP") == "$SCHEMATHESIS_VERSION" ]]; then
  log "schemathesis $SCHEMATHESIS_VERSION: installed ($VENV)"
else
  PYTHON=$(command -v python3 || true)
  [[ -n $PYTHON ]] || die "python3 is not installed (3.9+ with venv; the polyglot machine has it)"
  # Two installs at once (make -j, two shells) would race on the venv: one waits for the other.
  exec 8>"$CACHE_DIR/.venv-schemathesis.lock"
  flock -w 600 8 || die "timed out waiting for another schemathesis install"
  if [[ ! (-x $VENV/bin/schemathesis && -f $STAMP && $(<"$STAMP") == "$SCHEMATHESIS_VERSION") ]]; then
    log "schemathesis $SCHEMATHESIS_VERSION: installing into $VENV (first time only)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >"$LOG_FILE" 2>&1 || die "python3 -m venv $VENV" "$LOG_FILE"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION" >>"$LOG_FILE" 2>&1 ||
      die "pip install schemathesis==$SCHEMATHESIS_VERSION" "$LOG_FILE"
    [[ $("$VENV/bin/schemathesis" --version) == *"$SCHEMATHESIS_VERSION"* ]] ||
      die "the installed schemathesis is not $SCHEMATHESIS_VERSION" "$LOG_FILE"
    echo "$SCHEMATHESIS_VERSION" >"$STAMP"
  fi
  exec 8>&-
fi

for service in auth chat archive; do
  [[ -f $REPO_ROOT/services/$service/dist/main.js ]] ||
    die "services/$service/dist/main.js is missing: run \`make build\` first"
done
[[ -f $REPO_ROOT/.env.local ]] || die ".env.local is missing: run \`make infra-up\` first"

cd "$REPO_ROOT"
exec node scripts/security/schemathesis.mjs --schemathesis "$VENV/bin/schemathesis" "$@"
