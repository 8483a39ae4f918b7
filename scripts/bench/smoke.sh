#!/usr/bin/env bash
# `make bench-smoke`: a reduced P2 in under a minute — a fresh local cluster (scripts/cluster),
# 20 rooms of 10 sockets split over the two chat processes, 400 messages/s for 10 s — then the
# cluster is stopped (on failure too). The last line reads
#   P2 smoke: <deliveries/s> deliveries/s, p50 <x> ms, p99 <y> ms, lost <n>
# and the exit status is non-zero if anything was lost (or a send failed, a delivery went to the
# wrong room, a socket dropped).                                   Usage: scripts/bench/smoke.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  '') ;;
  -h | --help)
    sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) die "unknown argument '$1' (usage: scripts/bench/smoke.sh)" ;;
esac

t0=$SECONDS
bench_guard
bench_build
bench_cluster_up
out=$(mktemp)
# The verdict line is held back and printed last, after the cluster has stopped.
set +e
timeout --signal=TERM --kill-after=10 90 node "$REPO_ROOT/bench/dist/main.js" --smoke |
  tee "$out" | grep --line-buffered -v '^P2 smoke: '
status=${PIPESTATUS[0]}
set -e
verdict=$(grep '^P2 smoke: ' "$out" | tail -n 1 || true)
rm -f "$out"
"$REPO_ROOT/scripts/cluster/down.sh" >/dev/null 2>&1 || true
trap - EXIT
log "bench-smoke $( ((status == 0)) && echo passed || echo FAILED) in $((SECONDS - t0)) s"
# The verdict is the last line, whatever happened.
echo "${verdict:-P2 smoke: 0 deliveries/s, p50 n/a ms, p99 n/a ms, lost unknown (the smoke did not finish)}"
exit "$status"
