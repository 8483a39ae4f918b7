# shellcheck shell=bash
# Shared by scripts/bench/{bench,smoke}.sh. Sourced, never run.
set -Eeuo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_OUT=$REPO_ROOT/.infra/bench
NPM=(npm --no-audit --no-fund --loglevel=error)

log() { echo "[bench] $*"; }
die() {
  echo "[bench] FAILED: $*" >&2
  exit 1
}

# The local cluster is one per checkout (scripts/cluster restarts it with empty databases), and
# the fault runner and the k6 smoke drive the same one: starting ours would pull the cluster from
# under them. Refuse while one of them runs in this checkout (BENCH_FORCE=1 to go ahead anyway).
bench_guard() {
  local pattern pids others=()
  for pattern in 'faults/dist/main\.js' 'scripts/k6/smoke\.sh' 'bench/dist/main\.js' 'scripts/bench/(bench|smoke)\.sh'; do
    pids=$(pgrep -f "$pattern" || true)
    for pid in $pids; do
      # Not ourselves (the pgrep subshell is gone by now, its pid unreadable), and only this
      # checkout's (another clone has a cluster of its own).
      [[ $pid == "$$" ]] && continue
      [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$REPO_ROOT"* ]] || continue
      if [[ -r /proc/$pid/cmdline ]]; then others+=("$pid: $(tr '\0' ' ' </proc/"$pid"/cmdline | cut -c1-100)"); fi
    done
  done
  if ((${#others[@]})); then
    if [[ ${BENCH_FORCE:-} == 1 ]]; then
      log "WARNING: the local cluster is in use (BENCH_FORCE=1, going ahead):"
      printf '[bench]   %s\n' "${others[@]}"
    else
      echo "[bench] the local cluster is in use by:" >&2
      printf '[bench]   %s\n' "${others[@]}" >&2
      die "wait until it finishes (or BENCH_FORCE=1 to restart the cluster under it)"
    fi
  fi
}

bench_build() {
  log "build: @falablau/common, @falablau/bench (the services are built by scripts/cluster/up.sh when stale)"
  mkdir -p "$BENCH_OUT"
  (cd "$REPO_ROOT" && "${NPM[@]}" run build --silent -w @falablau/common -w @falablau/bench) \
    >"$BENCH_OUT/build.log" 2>&1 || {
    tail -n 30 "$BENCH_OUT/build.log" >&2
    die "npm run build failed (.infra/bench/build.log)"
  }
}

# A fresh cluster (empty databases), stopped again when the script ends, on failure too.
bench_cluster_up() {
  # shellcheck disable=SC2154 # rc is assigned inside the trap
  trap 'rc=$?; "$REPO_ROOT/scripts/cluster/down.sh" >/dev/null 2>&1 || true; exit $rc' EXIT
  "$REPO_ROOT/scripts/cluster/down.sh" >/dev/null
  "$REPO_ROOT/scripts/cluster/up.sh" | sed -u 's/^/[bench] /'
}
