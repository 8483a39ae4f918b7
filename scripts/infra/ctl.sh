#!/usr/bin/env bash
# Controls one local test server (fault tests stop and restart them).
# Usage: scripts/infra/ctl.sh <postgres|redis|kafka|mongo> <start|stop|restart|status>
#   start    installs if needed, starts, waits until it answers, rewrites .env.local
#   stop     clean stop (SIGTERM, SIGKILL after a timeout); data is kept
#   restart  stop + start, same data and (unless it was taken meanwhile) same port
#   status   one line: server, port, pid, up/down; exit 0 only if up
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_servers
INFRA_PREFER_SAVED_PORT=1

usage() { sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
if [[ $# -ne 2 ]]; then
  usage >&2
  exit 2
fi
server=$1 action=$2
svc_impl "$server" >/dev/null || {
  usage >&2
  exit 2
}
[[ $server == ferretdb || $server == mongodb ]] && server=mongo

case $action in
  start)
    infra_lock
    svc_call "$server" start
    write_env
    ;;
  stop)
    infra_lock
    svc_call "$server" stop
    ;;
  restart)
    infra_lock
    svc_call "$server" stop
    svc_call "$server" start
    write_env
    ;;
  status)
    svc_status_line "$server" || exit 1
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
