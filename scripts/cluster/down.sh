#!/usr/bin/env bash
# Stops the local cluster started by scripts/cluster/up.sh: SIGTERM to every process (nginx
# first), SIGKILL for any still running after 25 s. The local servers (make infra-up) keep
# running; the cluster's databases are emptied at its next start.
# Usage: scripts/cluster/down.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  '') ;;
  -h | --help)
    sed -n '2,5s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) die "unknown argument '$1' (usage: scripts/cluster/down.sh)" ;;
esac

cluster_lock
running=
for p in "${CLUSTER_PROCS[@]}"; do [[ -n $(proc_pid "$p") ]] && running=1; done
if [[ -z $running ]]; then
  rm -f "$CLUSTER_ENV"
  log "not running"
  exit 0
fi
t0=$SECONDS
cluster_stop_all
log "down ($((SECONDS - t0))s)"
