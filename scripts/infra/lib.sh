# shellcheck shell=bash
# Shared helpers for the local test servers (scripts/infra/*.sh). Sourced, never run.
#
# Layout (see docs/infra-local.md):
#   <repo>/.infra/            data, logs, pids and chosen ports (git-ignored)
#   ${FALABLAU_CACHE:-~/.cache/falablau}/   built binaries and downloaded jars (outside the repo)

set -Eeuo pipefail

INFRA_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$INFRA_SCRIPTS_DIR/../.." && pwd)
INFRA_DIR=$REPO_ROOT/.infra
INFRA_STATE=$INFRA_DIR/state # <svc>.port: the ports actually used
INFRA_RUN=$INFRA_DIR/run     # <svc>.pid
INFRA_LOGS=$INFRA_DIR/logs   # server logs and install/build logs
CACHE_DIR=${FALABLAU_CACHE:-$HOME/.cache/falablau}
ENV_FILE=$REPO_ROOT/.env.local

# Public server names, in start order (ctl.sh takes these; "mongo" is served by FerretDB).
INFRA_SERVERS=(postgres redis kafka mongo)

# File descriptor of the lock held while starting/stopping; daemons must not inherit it.
INFRA_LOCK_FD=9

trap 'infra_on_err $? "$BASH_COMMAND" "${BASH_SOURCE[0]}" "$LINENO"' ERR

infra_on_err() {
  local rc=$1 cmd=$2 src=$3 line=$4
  echo "[infra] ERROR: '$cmd' failed (exit $rc) at ${src#"$REPO_ROOT"/}:$line" >&2
}

log() { echo "[infra] $*"; }
warn() { echo "[infra] WARNING: $*" >&2; }

# die MESSAGE [LOGFILE]: print what failed (and the tail of the log to read), exit 1.
die() {
  local msg=$1 logfile=${2:-}
  trap - ERR
  echo "[infra] FAILED: $msg" >&2
  if [[ -n $logfile ]]; then
    echo "[infra]   read the log: $logfile" >&2
    if [[ -s $logfile ]]; then
      echo "[infra]   ---- last lines of $logfile ----" >&2
      tail -n 25 "$logfile" | sed 's/^/[infra]   | /' >&2
    fi
  fi
  exit 1
}

# server name -> implementation file/function prefix
svc_impl() {
  case $1 in
    postgres) echo postgres ;;
    redis) echo redis ;;
    kafka) echo kafka ;;
    mongo | ferretdb | mongodb) echo ferretdb ;;
    *) return 1 ;;
  esac
}

load_servers() {
  # shellcheck source=/dev/null
  for f in postgres redis kafka ferretdb; do source "$INFRA_SCRIPTS_DIR/$f.sh"; done
}

infra_init() {
  mkdir -p "$INFRA_DIR" "$INFRA_STATE" "$INFRA_RUN" "$INFRA_LOGS" "$CACHE_DIR"
  chmod 755 "$INFRA_DIR" "$INFRA_LOGS" 2>/dev/null || true
}

# Serialise up/down/ctl runs (two helpers starting servers at once would race for ports).
infra_lock() {
  infra_init
  eval "exec $INFRA_LOCK_FD>\"\$INFRA_DIR/.lock\""
  if ! flock -n "$INFRA_LOCK_FD"; then
    log "another scripts/infra run holds $INFRA_DIR/.lock; waiting…"
    flock -w 900 "$INFRA_LOCK_FD" || die "timed out waiting for $INFRA_DIR/.lock"
  fi
}

# ---------------------------------------------------------------- ports

port_busy() { # is something listening on TCP port $1 (any address)?
  local p=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Hltn "sport = :$p" 2>/dev/null) ]]
  else
    port_open "$p"
  fi
}

port_open() { # does 127.0.0.1:$1 accept a connection?
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

saved_port() { cat "$INFRA_STATE/$1.port" 2>/dev/null || true; }
save_port() { echo "$2" >"$INFRA_STATE/$1.port"; }

# choose_port KEY DEFAULT [EXCLUDED...]: a free port for KEY; only called when our own server
# for KEY is not running. up.sh prefers the standard port, then the remembered one; ctl.sh
# (INFRA_PREFER_SAVED_PORT=1: a test restarting one server mid-run keeps its address) prefers the
# remembered one. Either way, if both are taken, the next free port above the standard one.
choose_port() {
  local key=$1 def=$2
  shift 2
  local excluded=" $* " saved p candidates
  saved=$(saved_port "$key")
  if [[ -n ${INFRA_PREFER_SAVED_PORT:-} ]]; then candidates="$saved $def"; else candidates="$def $saved"; fi
  for p in $candidates $(seq $((def + 1)) $((def + 200))); do
    [[ $excluded == *" $p "* ]] && continue
    if ! port_busy "$p"; then
      if [[ $p != "$def" ]]; then
        warn "$key: port $def is taken by another process; using $p"
      fi
      if [[ -n $saved && $p != "$saved" ]]; then
        log "$key: port changed from $saved to $p (.env.local is rewritten)" >&2
      fi
      echo "$p"
      return 0
    fi
  done
  die "$key: no free TCP port found near $def"
}

# ---------------------------------------------------------------- processes

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

pid_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

# read_pid PIDFILE PATTERN: the pid if that process is alive and its command line contains
# PATTERN (guards against recycled pids); empty otherwise.
read_pid() {
  local pidfile=$1 pattern=$2 pid
  pid=$(head -n1 "$pidfile" 2>/dev/null | tr -dc '0-9' || true)
  if pid_alive "$pid" && [[ $(pid_cmdline "$pid") == *"$pattern"* ]]; then
    echo "$pid"
  fi
}

# stop_pid PID NAME TIMEOUT_S: SIGTERM, wait, SIGKILL after the timeout.
stop_pid() {
  local pid=$1 name=$2 t=${3:-30} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < t * 5; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.2
  done
  warn "$name (pid $pid) did not stop within ${t}s after SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.2
  done
  die "$name (pid $pid) survived SIGKILL"
}

# spawn PIDFILE LOGFILE CMD...: start CMD detached (own session, no stdin, no lock fd) with its
# output appended to LOGFILE, and record its pid. setsid may fork, so the child writes its own pid.
spawn() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; exec "$@"' \
    "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "could not start: $*" "$logfile"
}

# wait_until TIMEOUT_S PID CMD...: poll CMD every 0.5 s until it succeeds; stop early (fail) if
# PID (when given) dies. Returns 1 on timeout or death.
wait_until() {
  local t=$1 pid=$2 end
  shift 2
  end=$((SECONDS + t))
  while ((SECONDS < end)); do
    if [[ -n $pid ]] && ! pid_alive "$pid"; then return 1; fi
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

# ---------------------------------------------------------------- installs

_INFRA_APT_UPDATED=
APT_LOG=$INFRA_LOGS/apt.log

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# apt_ensure PKG...: install the missing ones quietly (apt-get update only if something is missing).
apt_ensure() {
  local missing=() p i
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  mkdir -p "$INFRA_LOGS"
  if [[ -z $_INFRA_APT_UPDATED ]]; then
    for i in 1 2 3; do
      if as_root apt-get update -qq >>"$APT_LOG" 2>&1; then break; fi
      ((i == 3)) && die "apt-get update failed" "$APT_LOG"
      sleep 10
    done
    _INFRA_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >>"$APT_LOG" 2>&1 ||
    die "apt-get install ${missing[*]} failed" "$APT_LOG"
}

# ---------------------------------------------------------------- .env.local

ENV_KEYS=(DATABASE_URL REDIS_URL KAFKA_BOOTSTRAP_SERVERS MONGO_URI)

# Rewrites our keys in .env.local from the remembered ports; other lines are kept.
write_env() {
  local tmp pg rd kf mg
  pg=$(saved_port postgres)
  rd=$(saved_port redis)
  kf=$(saved_port kafka)
  mg=$(saved_port mongo)
  tmp=$(mktemp "$ENV_FILE.XXXXXX")
  {
    if [[ -f $ENV_FILE ]]; then
      grep -v -E "^(# Local test servers, written by scripts/infra.*|($(
        IFS='|'
        echo "${ENV_KEYS[*]}"
      ))=.*)$" "$ENV_FILE" || true
    fi
    echo "# Local test servers, written by scripts/infra (make infra-up); see docs/infra-local.md"
    [[ -n $pg ]] && echo "DATABASE_URL=postgres://falablau:falablau@127.0.0.1:$pg/falablau"
    [[ -n $rd ]] && echo "REDIS_URL=redis://127.0.0.1:$rd"
    [[ -n $kf ]] && echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kf"
    [[ -n $mg ]] && echo "MONGO_URI=mongodb://127.0.0.1:$mg/falablau"
    true
  } >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------- generic per-server calls

svc_call() { # svc_call SERVER ACTION [ARGS...]
  local impl
  impl=$(svc_impl "$1") || die "unknown server '$1' (expected one of: ${INFRA_SERVERS[*]})"
  "${impl}_$2" "${@:3}"
}

# One status line: NAME PORT PID STATE. Returns 0 if up.
svc_status_line() {
  local s=$1 pid port state=down rc=1
  pid=$(svc_call "$s" pid || true)
  port=$(saved_port "$s")
  if svc_call "$s" status >/dev/null 2>&1; then
    state=up
    rc=0
  fi
  printf '%-10s %-7s %-9s %s\n' "$s" "${port:--}" "${pid:--}" "$state"
  return $rc
}
