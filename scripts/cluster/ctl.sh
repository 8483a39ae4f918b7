#!/usr/bin/env bash
# Controls ONE process of the local cluster (scripts/cluster/up.sh), for fault tests and people:
#   scripts/cluster/ctl.sh <auth|archive|chat-a|chat-b|nginx> <action>
#   kill     SIGKILL, a crash: nothing is flushed, no goodbye; waits until the process is gone
#   stop     SIGSTOP: the process freezes (its sockets stay open, nothing is answered) until cont
#   cont     SIGCONT: a stopped process runs on
#   term     SIGTERM, a graceful stop; SIGKILL if still running after CLUSTER_STOP_TIMEOUT (25 s)
#   start    starts it again exactly as up.sh did (same clean environment, port and log; the log is
#            appended to), waits until it is ready (CLUSTER_READY_TIMEOUT, 120 s); updates its
#            PID in .infra/cluster/cluster.env. A process that runs already is left alone.
#   restart  term, then start
#   status   one line: process, port, pid, state; exit 0 only if it is up
# Every wait is bounded; a failure says what and prints the tail of the process's log.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  usage
  exit 0
fi
if [[ $# -ne 2 ]]; then
  usage >&2
  exit 2
fi
proc=$1 action=$2
if [[ -z ${CLUSTER_CMD_PATTERN[$proc]:-} ]]; then
  echo "[cluster] unknown process '$proc' (expected one of: ${CLUSTER_PROCS[*]})" >&2
  exit 2
fi
READY_TIMEOUT=${CLUSTER_READY_TIMEOUT:-120}
STOP_TIMEOUT=${CLUSTER_STOP_TIMEOUT:-25}

running_pid() {
  local pid
  pid=$(proc_pid "$proc")
  [[ -n $pid ]] || die "$proc is not running (scripts/cluster/status.sh; scripts/cluster/ctl.sh $proc start)"
  echo "$pid"
}

port_free() { ! port_busy "$1"; }

# wait_gone PID SECONDS: until the process has exited (and been reaped).
wait_gone() {
  local pid=$1 i
  for ((i = 0; i < $2 * 10; i++)); do
    pid_alive "$pid" || return 0
    # A zombie (exited, parent not reaping yet) holds no port any more.
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
    sleep 0.1
  done
  return 1
}

do_kill() {
  local pid
  pid=$(running_pid)
  kill -KILL "$pid"
  wait_gone "$pid" 10 || die "$proc (pid $pid) still alive 10 s after SIGKILL"
  log "$proc: SIGKILL (pid $pid)"
}

do_term() {
  local pid
  pid=$(proc_pid "$proc")
  if [[ -z $pid ]]; then
    log "$proc: not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true # a paused process acts on SIGTERM only once continued
  if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
    warn "$proc (pid $pid) still running ${STOP_TIMEOUT}s after SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "$proc (pid $pid) survived SIGKILL"
  fi
  log "$proc: stopped (pid $pid)"
}

do_start() {
  local pid port t0=$SECONDS
  pid=$(proc_pid "$proc")
  if [[ -n $pid ]]; then
    if proc_paused "$pid"; then
      die "$proc (pid $pid) is paused: scripts/cluster/ctl.sh $proc cont"
    fi
    log "$proc: already running (pid $pid)"
    return 0
  fi
  port=$(proc_port "$proc")
  [[ -n $port ]] || die "$proc: no port recorded in ${CLUSTER_STATE#"$REPO_ROOT"/} (start the cluster with scripts/cluster/up.sh)"
  # The same port as before: the entry point's upstreams and the other services point at it.
  wait_until 10 "" port_free "$port" ||
    die "$proc: port $port is still taken: $(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1)"
  echo "---- $(date -u +%FT%TZ) started again by scripts/cluster/ctl.sh ----" >>"$(proc_logfile "$proc")"
  proc_spawn "$proc"
  pid=$(head -n1 "$(proc_pidfile "$proc")")
  wait_until "$READY_TIMEOUT" "$pid" http_ok "$(proc_ready_url "$proc")" ||
    die "$proc: not ready on $(proc_ready_url "$proc") within ${READY_TIMEOUT}s (or it exited)" "$(proc_logfile "$proc")"
  cluster_env_set_pid "$proc" "$pid"
  log "$proc: up on :$port (pid $pid) in $((SECONDS - t0))s"
}

case $action in
  kill) do_kill ;;
  stop)
    pid=$(running_pid)
    kill -STOP "$pid"
    log "$proc: paused with SIGSTOP (pid $pid); scripts/cluster/ctl.sh $proc cont resumes it"
    ;;
  cont)
    pid=$(running_pid)
    kill -CONT "$pid"
    log "$proc: continued (pid $pid)"
    ;;
  term)
    cluster_lock
    do_term
    ;;
  start)
    cluster_lock
    do_start
    ;;
  restart)
    cluster_lock
    do_term
    do_start
    ;;
  status) proc_status_line "$proc" ;;
  *)
    usage >&2
    exit 2
    ;;
esac
