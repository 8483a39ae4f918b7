# shellcheck shell=bash
# Redis from the Debian package redis-server: our own instance, data in .infra/redis.
# (The package's system service is not used; on Docker-like images policy-rc.d keeps it stopped.)

REDIS_DEFAULT_PORT=6379
REDIS_DIR=$INFRA_DIR/redis
REDIS_PIDFILE=$INFRA_RUN/redis.pid
REDIS_LOG=$INFRA_LOGS/redis.log

redis_pid() { read_pid "$REDIS_PIDFILE" redis-server; }

redis_install() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then return 0; fi
  log "redis: installing redis-server (Debian package)…"
  apt_ensure redis-server redis-tools
  command -v redis-server >/dev/null 2>&1 || die "redis: redis-server missing after install" "$APT_LOG"
}

redis_ping() { [[ $(timeout 3 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }

redis_start() {
  local pid port t0=$SECONDS
  pid=$(redis_pid)
  if [[ -n $pid ]]; then
    log "redis: already running on 127.0.0.1:$(saved_port redis) (pid $pid)"
    return 0
  fi
  redis_install
  mkdir -p "$REDIS_DIR"
  port=$(choose_port redis "$REDIS_DEFAULT_PORT")
  save_port redis "$port"
  log "redis: starting on 127.0.0.1:$port…"
  rm -f "$REDIS_PIDFILE"
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_PIDFILE" \
    --logfile "$REDIS_LOG" --loglevel notice \
    </dev/null >>"$REDIS_LOG" 2>&1 9>&- || die "redis: redis-server failed to start" "$REDIS_LOG"
  wait_until 20 "" redis_ping "$port" || die "redis: no PONG from 127.0.0.1:$port" "$REDIS_LOG"
  pid=$(redis_pid)
  [[ -n $pid ]] || die "redis: answering on $port but no live pid in $REDIS_PIDFILE" "$REDIS_LOG"
  log "redis: started $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-) on 127.0.0.1:$port (pid $pid, $((SECONDS - t0))s)"
}

redis_stop() {
  local pid
  pid=$(redis_pid)
  if [[ -z $pid ]]; then
    log "redis: not running"
    return 0
  fi
  stop_pid "$pid" redis 30 # SIGTERM: redis saves its snapshot and exits
  rm -f "$REDIS_PIDFILE"
  log "redis: stopped"
}

redis_status() {
  local port
  port=$(saved_port redis)
  [[ -n $(redis_pid) && -n $port ]] && redis_ping "$port"
}

redis_wipe() { rm -rf "$REDIS_DIR" "$REDIS_LOG" "$REDIS_PIDFILE"; }
