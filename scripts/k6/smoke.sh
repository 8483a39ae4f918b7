#!/usr/bin/env bash
# `make k6-smoke`: every k6 scenario with PROFILE=smoke (about a minute together) against a fresh
# local cluster (scripts/cluster), then the cluster is stopped — on failure too.
#
#   1. scripts/cluster/down.sh + up.sh (a running cluster is restarted: the smoke always meets
#      empty databases, so its figures and the FerretDB archive's speed do not depend on earlier
#      runs), and k6 (scripts/k6/install.sh; built once)
#   2. seed-history.js → age-history.mjs → history.js (pages from Postgres on into the archive)
#   3. auth.js, chat-ws.js, day-in-the-life.js (this one reuses the aged history rooms)
#
# Prints one line per scenario and exits non-zero, with a line saying what failed, when any
# threshold fails, any message is lost or any scenario errors. Per-scenario output and k6's full
# summary JSON: .infra/k6/smoke/.              Usage: scripts/k6/smoke.sh
set -Eeuo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$REPO_ROOT/.infra/k6/smoke
CLUSTER_ENV=$REPO_ROOT/.infra/cluster/cluster.env
SEED=$OUT/history-seed.json

log() { echo "[k6-smoke] $*"; }

case ${1:-} in
  '') ;;
  -h | --help)
    sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *)
    log "unknown argument '$1' (usage: scripts/k6/smoke.sh)" >&2
    exit 2
    ;;
esac

t0=$SECONDS
cleanup() {
  local rc=$?
  "$REPO_ROOT/scripts/cluster/down.sh" || rc=1
  exit "$rc"
}
trap cleanup EXIT

"$REPO_ROOT/scripts/cluster/down.sh" >/dev/null
"$REPO_ROOT/scripts/cluster/up.sh"
"$REPO_ROOT/scripts/k6/install.sh"
K6=$("$REPO_ROOT/scripts/k6/install.sh" --print-path)
BASE_URL=$(sed -n 's/^BASE_URL=//p' "$CLUSTER_ENV")
[[ -n $BASE_URL ]] || {
  log "FAILED: no BASE_URL in ${CLUSTER_ENV#"$REPO_ROOT"/}"
  exit 1
}
rm -rf "$OUT"
mkdir -p "$OUT"
log "BASE_URL=$BASE_URL; output in ${OUT#"$REPO_ROOT"/}"

failures=()

# lost NAME: the lost deliveries in a scenario's summary JSON (0 when it has no such metric).
lost() {
  node -e '
    const fs = require("fs");
    try {
      const m = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).metrics.chat_deliveries_lost;
      console.log(m ? m.values.count : 0);
    } catch { console.log(0); }' "$OUT/$1.json"
}

# scenario NAME SCRIPT [k6 args...]: runs it, prints its one line, records a failure.
scenario() {
  local name=$1 script=$2 rc=0 line n
  shift 2
  "$K6" run --quiet --no-usage-report -e BASE_URL="$BASE_URL" -e PROFILE=smoke \
    -e SUMMARY_DIR="$OUT" "$@" "$REPO_ROOT/k6/$script" >"$OUT/$name.log" 2>&1 || rc=$?
  line=$(grep -E '^\[k6\] ' "$OUT/$name.log" | tail -n 1 || true)
  echo "${line:-[k6] $name: no summary (k6 exited $rc)}"
  if ((rc != 0)); then
    n=$(lost "$name")
    if [[ $n != 0 ]]; then
      failures+=("$name: $n deliveries LOST")
    elif ((rc == 99)); then
      failures+=("$name: threshold(s) failed: $(sed -n 's/^    FAILED //p' "$OUT/$name.log" | paste -sd ';' | sed 's/;/; /g')")
    else
      failures+=("$name: k6 exited $rc")
    fi
    grep -E '^    FAILED|level=(error|warning)' "$OUT/$name.log" | head -n 15 | sed 's/^/[k6-smoke]   | /' || true
    log "  full output: ${OUT#"$REPO_ROOT"/}/$name.log"
  fi
  return 0
}

# History needs its rooms aged into the archive between seeding and scrolling: three steps.
aged=
scenario seed-history seed-history.js -e SEED_OUT="$SEED"
if [[ -s $SEED ]]; then
  if node "$REPO_ROOT/scripts/k6/age-history.mjs" "$SEED" >"$OUT/age-history.log" 2>&1; then
    aged=1
    tail -n 1 "$OUT/age-history.log"
  else
    failures+=("age-history: $(tail -n 1 "$OUT/age-history.log")")
    cat "$OUT/age-history.log"
  fi
fi
if [[ -n $aged ]]; then
  scenario history history.js -e SEED_FILE="$SEED"
  scenario auth auth.js
  scenario chat-ws chat-ws.js
  scenario day-in-the-life day-in-the-life.js -e SEED_FILE="$SEED"
else
  failures+=("history, day-in-the-life: not run (no aged history rooms)")
  scenario auth auth.js
  scenario chat-ws chat-ws.js
fi

if ((${#failures[@]})); then
  for f in "${failures[@]}"; do log "FAILED: $f"; done
  log "k6 smoke FAILED ($((SECONDS - t0))s)"
  exit 1
fi
log "all scenarios passed, nothing lost ($((SECONDS - t0))s in all)"
