#!/usr/bin/env bash
# Table of the local cluster's processes (port, pid, up/down) and its BASE_URL. Exits non-zero
# unless every process is up.            Usage: scripts/cluster/status.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  '') ;;
  -h | --help)
    sed -n '2,3s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) die "unknown argument '$1' (usage: scripts/cluster/status.sh)" ;;
esac

rc=0
printf '%-8s %-6s %-8s %s\n' PROCESS PORT PID STATE
for p in "${CLUSTER_PROCS[@]}"; do
  proc_status_line "$p" || rc=1
done
if [[ -f $CLUSTER_ENV ]]; then
  echo "BASE_URL=$(sed -n 's/^BASE_URL=//p' "$CLUSTER_ENV")   (${CLUSTER_ENV#"$REPO_ROOT"/})"
else
  echo "not up: make cluster-up"
fi
exit $rc
