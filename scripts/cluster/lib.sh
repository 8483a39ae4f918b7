# shellcheck shell=bash source-path=SCRIPTDIR
# Shared by scripts/cluster/{up,down,status}.sh. Sourced, never run.
#
# The local multi-process cluster: auth, two chat processes, archive and nginx as the entry
# point, all on 127.0.0.1, against the servers of `make infra-up` (docs/load-testing.md).
# It reuses the process helpers of scripts/infra/lib.sh (spawn, stop_pid, wait_until, apt_ensure,
# port_busy) and overrides only the log prefix.
#
# Layout (git-ignored):
#   .infra/cluster/cluster.env      BASE_URL, each process's URL and PID (for k6 and people)
#   .infra/cluster/run/<proc>.pid   the processes' pids
#   .infra/cluster/state/<proc>.port   the ports chosen last time (reused while free)
#   .infra/cluster/state/<proc>.cmd    how up.sh started it: directory, then the exact command with
#                                      its clean environment (NUL-separated, mode 600: it holds the
#                                      service secret), so ctl.sh can start it again the same way
#   .infra/cluster/logs/<proc>.log  their output
#   .infra/cluster/keys/            auth-service's development signing key (KEYS_DIR)
#   .infra/cluster/nginx/           nginx's prefix: conf, pid, temp dirs

# shellcheck source=../infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../infra/lib.sh"
trap - ERR

CLUSTER_DIR=$INFRA_DIR/cluster
CLUSTER_RUN=$CLUSTER_DIR/run
CLUSTER_STATE=$CLUSTER_DIR/state
CLUSTER_LOGS=$CLUSTER_DIR/logs
CLUSTER_KEYS=$CLUSTER_DIR/keys
CLUSTER_ENV=$CLUSTER_DIR/cluster.env
# shellcheck disable=SC2034 # used by up.sh
NGINX_PREFIX=$CLUSTER_DIR/nginx
# The cluster's own Postgres database and MongoDB database, beside the `falablau` ones of
# development and the throwaway ones the Jest tests create: nothing is shared with them.
# shellcheck disable=SC2034 # used by up.sh
CLUSTER_DB=falablau_cluster

# Processes in start order, and the port each prefers (outside Linux's ephemeral range
# 32768-60999, from which the Jest tests' port-0 listeners are drawn, so they cannot collide).
CLUSTER_PROCS=(auth archive chat-a chat-b nginx)
declare -A CLUSTER_DEFAULT_PORT=([auth]=5100 [archive]=5102 [chat-a]=5101 [chat-b]=5111 [nginx]=8090)
# What each process's command line contains: a recycled pid is never mistaken for ours.
declare -A CLUSTER_CMD_PATTERN=(
  [auth]=services/auth/dist/main.js
  [archive]=services/archive/dist/main.js
  [chat-a]=services/chat/dist/main.js
  [chat-b]=services/chat/dist/main.js
  [nginx]="nginx"
)

log() { echo "[cluster] $*"; }
warn() { echo "[cluster] WARNING: $*" >&2; }
die() {
  local msg=$1 logfile=${2:-}
  echo "[cluster] FAILED: $msg" >&2
  if [[ -n $logfile && -s $logfile ]]; then
    echo "[cluster]   ---- last lines of ${logfile#"$REPO_ROOT"/} ----" >&2
    tail -n 25 "$logfile" | sed 's/^/[cluster]   | /' >&2
  fi
  exit 1
}

cluster_init() {
  mkdir -p "$CLUSTER_RUN" "$CLUSTER_STATE" "$CLUSTER_LOGS" "$CLUSTER_KEYS" "$INFRA_LOGS"
  chmod 700 "$CLUSTER_KEYS"
}

# up/down/status serialise on one lock: two `up`s at once would race for ports and pids.
# A caller that holds the lock for a whole session (the fault runner holds it from its cluster
# start to its end, so nobody stops the cluster under it) runs these scripts with
# CLUSTER_LOCK_HELD=1: taking the lock again would wait for itself.
cluster_lock() {
  cluster_init
  [[ -n ${CLUSTER_LOCK_HELD:-} ]] && return 0
  exec 7>"$CLUSTER_DIR/.lock"
  if ! flock -n 7; then
    log "another scripts/cluster run holds ${CLUSTER_DIR#"$REPO_ROOT"/}/.lock; waiting (at most 5 min)…"
    flock -w 300 7 || die "timed out waiting for ${CLUSTER_DIR#"$REPO_ROOT"/}/.lock"
  fi
}

proc_pidfile() { echo "$CLUSTER_RUN/$1.pid"; }
proc_cmdfile() { echo "$CLUSTER_STATE/$1.cmd"; }
proc_logfile() { echo "$CLUSTER_LOGS/$1.log"; }
proc_pid() { read_pid "$(proc_pidfile "$1")" "${CLUSTER_CMD_PATTERN[$1]}"; }
proc_port() { cat "$CLUSTER_STATE/$1.port" 2>/dev/null || true; }

# pick_port PROC EXCLUDED...: the port used last time if free, else the first free one from the
# process's default upward, skipping ports already given to the other processes.
pick_port() {
  local proc=$1 p saved
  shift
  local excluded=" $* "
  saved=$(proc_port "$proc")
  for p in $saved $(seq "${CLUSTER_DEFAULT_PORT[$proc]}" $((CLUSTER_DEFAULT_PORT[$proc] + 300))); do
    [[ $excluded == *" $p "* ]] && continue
    if ! port_busy "$p"; then
      echo "$p" >"$CLUSTER_STATE/$proc.port"
      echo "$p"
      return 0
    fi
  done
  die "$proc: no free TCP port from ${CLUSTER_DEFAULT_PORT[$proc]} to $((CLUSTER_DEFAULT_PORT[$proc] + 300))"
}

http_ok() { curl -fsS -o /dev/null --max-time 3 "$1"; }

# proc_save_cmd PROC DIR CMD...: remembers how PROC is started (run in DIR), for proc_spawn.
proc_save_cmd() {
  local proc=$1 file
  shift
  file=$(proc_cmdfile "$proc")
  (umask 077 && printf '%s\0' "$@" >"$file.tmp") && mv -f "$file.tmp" "$file"
}

# proc_spawn PROC: starts PROC detached exactly as last saved by proc_save_cmd (directory, clean
# environment, arguments), its output appended to its log, its pid in its pid file.
proc_spawn() {
  local proc=$1 file dir
  local -a cmd
  file=$(proc_cmdfile "$proc")
  [[ -s $file ]] || die "$proc: no saved command in ${file#"$REPO_ROOT"/} (start the cluster with scripts/cluster/up.sh)"
  mapfile -d '' -t cmd <"$file"
  ((${#cmd[@]} >= 2)) || die "$proc: ${file#"$REPO_ROOT"/} is malformed (run scripts/cluster/up.sh again)"
  dir=${cmd[0]}
  # 7>&-: the daemon must not inherit (and so hold) the cluster lock.
  (cd "$dir" && spawn "$(proc_pidfile "$proc")" "$(proc_logfile "$proc")" "${cmd[@]:1}" 7>&-)
}

# proc_paused PID: the process is stopped by a signal (SIGSTOP), state T in /proc/<pid>/stat.
proc_paused() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} == T ]]
}

# cluster_env_set_pid PROC PID: updates PROC's <PROC>_PID line in cluster.env (after ctl.sh start).
cluster_env_set_pid() {
  local var tmp
  [[ -f $CLUSTER_ENV ]] || return 0
  var=$(echo "$1" | tr 'a-z-' 'A-Z_')_PID
  tmp=$(mktemp "$CLUSTER_ENV.XXXXXX")
  sed "s/^${var}=.*/${var}=$2/" "$CLUSTER_ENV" >"$tmp"
  mv -f "$tmp" "$CLUSTER_ENV"
}

# The readiness URL of a process (nginx: a request routed through it to auth-service).
proc_ready_url() {
  local port
  port=$(proc_port "$1")
  if [[ $1 == nginx ]]; then
    echo "http://127.0.0.1:$port/api/auth/health"
  else
    echo "http://127.0.0.1:$port/ready"
  fi
}

# proc_up PROC: its pid is alive and it answers its readiness URL.
proc_up() {
  local pid
  pid=$(proc_pid "$1")
  [[ -n $pid ]] && http_ok "$(proc_ready_url "$1")"
}

# One status line: NAME PORT PID STATE. Returns 0 if up.
proc_status_line() {
  local proc=$1 pid port state=down rc=1
  pid=$(proc_pid "$proc")
  port=$(proc_port "$proc")
  if [[ -n $pid ]] && proc_paused "$pid"; then
    state="paused (SIGSTOP: scripts/cluster/ctl.sh $proc cont)"
  elif [[ -n $pid ]]; then
    state="running, not ready"
    if http_ok "$(proc_ready_url "$proc")"; then
      state=up
      rc=0
    fi
  fi
  printf '%-8s %-6s %-8s %s\n' "$proc" "${port:--}" "${pid:--}" "$state"
  return $rc
}

# Stops every cluster process: SIGTERM to all at once (the entry point first, so no new requests
# arrive while the services drain), then SIGKILL for any still alive after CLUSTER_STOP_TIMEOUT
# seconds (default 25: the services' own graceful shutdown is bounded at 10 s).
cluster_stop_all() {
  local p pid i timeout=${CLUSTER_STOP_TIMEOUT:-25} left
  local -A pids=()
  for p in nginx chat-a chat-b archive auth; do
    pid=$(proc_pid "$p")
    [[ -n $pid ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    # A process paused by ctl.sh stop would not act on SIGTERM until continued.
    kill -CONT "$pid" 2>/dev/null || true
    pids[$p]=$pid
  done
  for ((i = 0; i < timeout * 5; i++)); do
    left=
    for p in "${!pids[@]}"; do pid_alive "${pids[$p]}" && left=1; done
    [[ -z $left ]] && break
    sleep 0.2
  done
  for p in "${!pids[@]}"; do
    if pid_alive "${pids[$p]}"; then
      warn "$p (pid ${pids[$p]}) still running ${timeout}s after SIGTERM: SIGKILL"
      kill -KILL "${pids[$p]}" 2>/dev/null || true
    fi
  done
  for p in "${!pids[@]}"; do
    for ((i = 0; i < 50; i++)); do
      pid_alive "${pids[$p]}" || break
      sleep 0.1
    done
    log "$p: stopped"
  done
  for p in "${CLUSTER_PROCS[@]}"; do rm -f "$(proc_pidfile "$p")"; done
  rm -f "$CLUSTER_ENV"
}
