#!/usr/bin/env bash
# `make bench`: P1–P7 (docs/performance.md) on a fresh local cluster — auth, two chat processes,
# archive and nginx (scripts/cluster) on the real Postgres, Redis, Kafka and FerretDB of
# `make infra-up` — with the generator of bench/ (its own processes, CPU accounted apart).
# Writes docs/performance.md (the generated block between its markers) and
# docs/performance.json; every run's figures also go to .infra/bench/results-<run>.json.
# Takes about 20 minutes, bounded at 45 (BENCH_TIMEOUT, in minutes). Take figures on a quiet
# machine: the load average is printed first, and what else ran is written beside the figures.
# Arguments go to the benchmark: --only P2,P7 (figures to .infra/bench only), --no-docs.
#                                                             Usage: scripts/bench/bench.sh [args]
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  -h | --help)
    sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
esac

bench_guard
log "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (take figures below about 1.5)"
bench_build
bench_cluster_up
status=0
timeout --signal=TERM --kill-after=30 "$((${BENCH_TIMEOUT:-45} * 60))" \
  node "$REPO_ROOT/bench/dist/main.js" "$@" || status=$?
((status == 124)) && log "FAILED: timed out after ${BENCH_TIMEOUT:-45} minutes"
exit "$status"
