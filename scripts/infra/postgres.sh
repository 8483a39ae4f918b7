# shellcheck shell=bash
# PostgreSQL from the Debian package, as a project-owned cluster in .infra/postgres owned by the
# `postgres` OS user (Postgres refuses to run as root). Sourced by the scripts in this folder.

PG_DEFAULT_PORT=5432
PG_DEFAULT_MAJOR=15 # Debian 12's version (package postgresql-15)
PG_ROOT=$INFRA_DIR/postgres
PG_DATA=$PG_ROOT/data
PG_LOG=$INFRA_LOGS/postgres.log

# Run as the postgres OS user (from / : it cannot read root's home), or as ourselves if not root.
pg_as() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# The bin dir of the installed server: the data dir's major version if it exists, else the newest.
pg_bindir() {
  local v d
  if [[ -f $PG_DATA/PG_VERSION ]]; then
    v=$(cat "$PG_DATA/PG_VERSION")
    [[ -x /usr/lib/postgresql/$v/bin/postgres ]] && echo "/usr/lib/postgresql/$v/bin" && return 0
    return 1
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres && -x $d/psql ]] && echo "$d" && return 0
  done
  return 1
}

# Unix socket dir (used only for the admin connection); socket paths are limited to ~107 bytes.
pg_sockdir() {
  if ((${#PG_ROOT} < 80)); then
    echo "$PG_ROOT/run"
  else
    echo "/tmp/falablau-pg-$(echo "$PG_ROOT" | md5sum | cut -c1-10)"
  fi
}

postgres_pid() {
  local pid
  pid=$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true)
  if pid_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]]; then echo "$pid"; fi
}

postgres_install() {
  local v=$PG_DEFAULT_MAJOR
  if [[ -f $PG_DATA/PG_VERSION ]]; then v=$(cat "$PG_DATA/PG_VERSION"); fi
  if pg_bindir >/dev/null; then return 0; fi
  log "postgres: installing postgresql-$v (Debian package)…"
  apt_ensure "postgresql-$v" "postgresql-client-$v"
  pg_bindir >/dev/null || die "postgres: postgresql-$v installed but /usr/lib/postgresql/$v/bin is incomplete" "$APT_LOG"
}

# The postgres user must be able to reach .infra/postgres: give o+x (traverse only) to any
# ancestor directory it cannot pass (e.g. a clone under /root, which is 0700).
pg_ensure_traversable() {
  [[ $EUID -eq 0 ]] || return 0
  local d="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${INFRA_DIR#/}"
  for part in "${parts[@]}"; do # top-down: fixing /root makes the dirs below it reachable
    d=$d/$part
    if ! (cd / && runuser -u postgres -- test -x "$d"); then
      chmod o+x "$d"
      log "postgres: gave others traverse permission (o+x) on $d so the postgres user can reach .infra"
    fi
  done
}

pg_prepare_dirs() {
  local sock
  sock=$(pg_sockdir)
  mkdir -p "$PG_ROOT" "$sock"
  touch "$PG_LOG"
  if [[ $EUID -eq 0 ]]; then
    if [[ $(stat -c %U "$PG_ROOT") != postgres ]]; then chown -R postgres:postgres "$PG_ROOT"; fi
    chown postgres:postgres "$sock" "$PG_LOG"
  fi
  chmod 700 "$PG_ROOT"
  pg_ensure_traversable
}

postgres_start() {
  local bin port pid sock t0=$SECONDS
  pid=$(postgres_pid)
  if [[ -n $pid ]]; then
    log "postgres: already running on 127.0.0.1:$(saved_port postgres) (pid $pid)"
    postgres_ensure_db "$(pg_bindir)" "$(saved_port postgres)"
    return 0
  fi
  postgres_install
  bin=$(pg_bindir)
  pg_prepare_dirs
  sock=$(pg_sockdir)

  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    log "postgres: creating the cluster in ${PG_DATA#"$REPO_ROOT"/}…"
    rm -rf "$PG_DATA"
    pg_as "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 ||
      die "postgres: initdb failed" "$PG_LOG"
    echo "include_if_exists = 'falablau.conf'" >>"$PG_DATA/postgresql.conf"
  fi

  port=$(choose_port postgres "$PG_DEFAULT_PORT")
  # Rewritten on every start (the port may change). Test-speed settings: fsync/full_page_writes
  # off only matter if the *machine* crashes; a killed server still loses no committed data.
  cat >"$PG_DATA/falablau.conf" <<EOF
# written by scripts/infra/postgres.sh on each start
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 300
shared_buffers = 128MB
fsync = off
full_page_writes = off
synchronous_commit = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
EOF
  [[ $EUID -eq 0 ]] && chown postgres:postgres "$PG_DATA/falablau.conf"
  save_port postgres "$port"

  log "postgres: starting on 127.0.0.1:$port…"
  pg_as "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 90 start >>"$PG_LOG" 2>&1 9>&- ||
    die "postgres: pg_ctl start failed" "$PG_LOG"
  wait_until 30 "" "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" ||
    die "postgres: not accepting connections on 127.0.0.1:$port" "$PG_LOG"
  postgres_ensure_db "$bin" "$port"
  log "postgres: started $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $(postgres_pid), $((SECONDS - t0))s)"
}

pg_admin_sql() { # pg_admin_sql BIN PORT SQL
  pg_as "$1/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h "$(pg_sockdir)" -p "$2" -U postgres -d postgres -c "$3"
}

# Role falablau (LOGIN CREATEDB, password falablau) and database falablau owned by it.
postgres_ensure_db() {
  local bin=$1 port=$2
  pg_admin_sql "$bin" "$port" "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'falablau') THEN
        CREATE ROLE falablau LOGIN CREATEDB PASSWORD 'falablau';
      END IF; END \$\$;" >>"$PG_LOG" 2>&1 || die "postgres: could not create role falablau" "$PG_LOG"
  if [[ $(pg_admin_sql "$bin" "$port" "SELECT 1 FROM pg_database WHERE datname = 'falablau'" 2>>"$PG_LOG") != 1 ]]; then
    pg_admin_sql "$bin" "$port" "CREATE DATABASE falablau OWNER falablau" >>"$PG_LOG" 2>&1 ||
      die "postgres: could not create database falablau" "$PG_LOG"
    log "postgres: created role and database falablau"
  fi
}

postgres_stop() {
  local pid bin
  pid=$(postgres_pid)
  if [[ -z $pid ]]; then
    log "postgres: not running"
    return 0
  fi
  bin=$(pg_bindir)
  pg_as "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >>"$PG_LOG" 2>&1 9>&- || true
  pid_alive "$pid" && stop_pid "$pid" postgres 30
  log "postgres: stopped"
}

postgres_status() {
  local pid port bin
  pid=$(postgres_pid)
  port=$(saved_port postgres)
  [[ -n $pid && -n $port ]] || return 1
  bin=$(pg_bindir) || return 1
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"
}

postgres_wipe() { rm -rf "$PG_ROOT" "$(pg_sockdir)" "$PG_LOG"; }
