#!/usr/bin/env bash
# Table of the local test servers: port, pid, up/down. Exits non-zero if any is down.
# Usage: scripts/infra/status.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_servers
rc=0
printf '%-10s %-7s %-9s %s\n' SERVER PORT PID STATE
for s in "${INFRA_SERVERS[@]}"; do
  svc_status_line "$s" || rc=1
done
exit $rc
