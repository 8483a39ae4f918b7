#!/usr/bin/env bash
# Starts the local multi-process cluster on 127.0.0.1 (docs/load-testing.md): auth-service, two
# chat-service processes, archive-service and nginx as the entry point, routing like the Helm
# chart's ingress, against the servers of `make infra-up` (started here when they are not up).
# Builds the services first when their dist is missing or older than their sources.
#
# Idempotent: a cluster that is up is left alone; a partial one (a process died) is stopped and
# started again. Every start begins with EMPTY cluster databases (Postgres `falablau_cluster`,
# MongoDB `falablau_cluster`): a load-test stand whose figures do not depend on earlier runs.
# Writes .infra/cluster/cluster.env (BASE_URL=http://127.0.0.1:<nginx port>, each process's URL
# and PID). Stop it with scripts/cluster/down.sh.
#
# Each process's command (clean environment included) is saved in .infra/cluster/state/<proc>.cmd:
# scripts/cluster/ctl.sh kills, pauses and starts one process again exactly the same way.
# Environment: CLUSTER_LOG_LEVEL (default warn: request logs would cost the services CPU under
# load), and CLUSTER_ENV_<AUTH|CHAT|ARCHIVE>_<VAR>=value to pass VAR=value to those processes
# (e.g. CLUSTER_ENV_CHAT_DATABASE_POOL_SIZE=20).            Usage: scripts/cluster/up.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  '') ;;
  -h | --help)
    sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) die "unknown argument '$1' (usage: scripts/cluster/up.sh)" ;;
esac

READY_TIMEOUT=${CLUSTER_READY_TIMEOUT:-120}
t0=$SECONDS
cluster_lock

# ── already up? ─────────────────────────────────────────────────────────────────────────────
running=() all_up=1
for p in "${CLUSTER_PROCS[@]}"; do
  if [[ -n $(proc_pid "$p") ]]; then running+=("$p"); fi
  proc_up "$p" || all_up=
done
if [[ -n $all_up && -f $CLUSTER_ENV ]]; then
  log "already up: $(grep '^BASE_URL=' "$CLUSTER_ENV" | cut -d= -f2-) (scripts/cluster/status.sh for details)"
  exit 0
fi
if ((${#running[@]})); then
  log "partial cluster (${running[*]} running, not all ready): stopping it to start from scratch"
  cluster_stop_all
fi
rm -f "$CLUSTER_ENV"

# Whatever fails from here stops what this run started: no half cluster is left behind.
trap 'rc=$?; if ((rc)); then log "start failed: stopping what was started"; cluster_stop_all >/dev/null 2>&1 || true; fi' EXIT

# ── the local servers ───────────────────────────────────────────────────────────────────────
if "$REPO_ROOT/scripts/infra/status.sh" >/dev/null 2>&1 && [[ -f $ENV_FILE ]]; then
  log "local servers: up"
else
  log "local servers: starting them (make infra-up)"
  # 7>&-: the servers it starts would otherwise inherit, and forever hold, the cluster lock.
  "$REPO_ROOT/scripts/infra/up.sh" 7>&- || die "make infra-up failed (see above)"
fi
env_value() { sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; }
PG_URL=$(env_value DATABASE_URL)
REDIS_URL=$(env_value REDIS_URL)
KAFKA=$(env_value KAFKA_BOOTSTRAP_SERVERS)
MONGO_URI=$(env_value MONGO_URI)
[[ -n $PG_URL && -n $REDIS_URL && -n $KAFKA && -n $MONGO_URI ]] ||
  die "${ENV_FILE#"$REPO_ROOT"/} lacks DATABASE_URL, REDIS_URL, KAFKA_BOOTSTRAP_SERVERS or MONGO_URI (run make infra-up)"
CLUSTER_PG_URL=${PG_URL%/*}/$CLUSTER_DB
CLUSTER_MONGO_URI=$(echo "$MONGO_URI" | sed -E "s#^(mongodb(\+srv)?://[^/?]+)(/[^?]*)?#\1/$CLUSTER_DB#")

# ── the build ───────────────────────────────────────────────────────────────────────────────
[[ -d $REPO_ROOT/node_modules ]] || die "node_modules is missing: run make install (or npm install) first"
stale=()
for svc in common auth chat archive; do
  out=services/$svc/dist/main.js
  [[ $svc == common ]] && out=services/common/dist/index.js
  if [[ ! -f $REPO_ROOT/$out ]] ||
    [[ -n $(cd "$REPO_ROOT/services/$svc" && find src package.json tsconfig.json tsconfig.build.json \
      -newer "$REPO_ROOT/$out" \( -name '*.ts' ! -name '*.test.ts' -o -name '*.json' \) -print -quit 2>/dev/null) ]]; then
    stale+=("$svc")
  fi
done
if ((${#stale[@]})); then
  log "build: ${stale[*]} missing or older than the sources; building common, auth, chat, archive"
  (cd "$REPO_ROOT" && npm run build --silent -w @falablau/common -w @falablau/auth -w @falablau/chat \
    -w @falablau/archive) >"$CLUSTER_LOGS/build.log" 2>&1 || die "npm run build failed" "$CLUSTER_LOGS/build.log"
else
  log "build: up to date"
fi

# ── nginx (the Debian package's binary, run as our own process, never the system service) ──
NGINX=$(command -v nginx || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z $NGINX ]]; then
  log "nginx: installing the Debian package (first time only)"
  # The package's postinst would start the system nginx on :80 unless policy-rc.d forbids it
  # (container images ship one; a plain machine does not): forbid it for the install only.
  created_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    created_policy=1
  fi
  pkg=nginx-light
  apt-cache show nginx-light >/dev/null 2>&1 || pkg=nginx
  apt_ensure "$pkg"
  [[ -n $created_policy ]] && as_root rm -f /usr/sbin/policy-rc.d
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -x $NGINX ]] || die "nginx: $pkg installed but no nginx binary found" "$APT_LOG"
fi

# ── databases: empty at every start ─────────────────────────────────────────────────────────
command -v psql >/dev/null || die "psql is missing (make infra-up installs postgresql-client)"
psql_admin() { psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 -c "$1" >>"$CLUSTER_LOGS/databases.log" 2>&1; }
psql_admin "DROP DATABASE IF EXISTS $CLUSTER_DB WITH (FORCE)" ||
  die "could not drop Postgres database $CLUSTER_DB" "$CLUSTER_LOGS/databases.log"
psql_admin "CREATE DATABASE $CLUSTER_DB" ||
  die "could not create Postgres database $CLUSTER_DB" "$CLUSTER_LOGS/databases.log"
node "$REPO_ROOT/scripts/cluster/mongo-drop.mjs" "$CLUSTER_MONGO_URI" >>"$CLUSTER_LOGS/databases.log" 2>&1 ||
  die "could not drop MongoDB database $CLUSTER_DB" "$CLUSTER_LOGS/databases.log"
log "databases: fresh $CLUSTER_DB in Postgres and MongoDB"

# ── secrets ─────────────────────────────────────────────────────────────────────────────────
secret_file=$CLUSTER_KEYS/chat-service.secret
if [[ ! -s $secret_file ]]; then
  (umask 077 && openssl rand -hex 24 >"$secret_file")
fi
SERVICE_SECRET=$(<"$secret_file")

# ── ports ───────────────────────────────────────────────────────────────────────────────────
declare -A PORT
taken=()
for p in "${CLUSTER_PROCS[@]}"; do
  PORT[$p]=$(pick_port "$p" "${taken[@]}")
  taken+=("${PORT[$p]}")
done
BASE_URL=http://127.0.0.1:${PORT[nginx]}
AUTH_URL=http://127.0.0.1:${PORT[auth]}
ARCHIVE_URL=http://127.0.0.1:${PORT[archive]}

# ── the services ────────────────────────────────────────────────────────────────────────────
NODE=$(command -v node) || die "node is not installed"
LOG_LEVEL=${CLUSTER_LOG_LEVEL:-warn}
# A fresh consumer group per start, from the latest offset: the topic is shared with the Jest
# tests' chat processes (its name is fixed), and this archive should hold this cluster's messages,
# not replay the topic's history or split partitions with another archive's group.
INGEST_GROUP=falablau-cluster-archive-$(date +%s)

# overrides PREFIX: VAR=value words from CLUSTER_ENV_<PREFIX>_VAR.
overrides() {
  local name
  while read -r name; do
    [[ -n $name ]] && echo "${name#CLUSTER_ENV_"$1"_}=${!name}"
  done < <(compgen -e "CLUSTER_ENV_$1_" || true)
}

# start_service PROC SERVICE_DIR OVERRIDE_PREFIX VAR=value...: a clean environment (a developer's
# exported PORT or DATABASE_URL must not leak in) with exactly the given variables.
start_service() {
  local proc=$1 dir=$2 prefix=$3 logfile
  shift 3
  logfile=$(proc_logfile "$proc")
  mv -f "$logfile" "$logfile.1" 2>/dev/null || true
  local -a extra
  mapfile -t extra < <(overrides "$prefix")
  # Saved, so scripts/cluster/ctl.sh can start this process again exactly like this.
  proc_save_cmd "$proc" "$REPO_ROOT" \
    env -i PATH="$PATH" HOME="$HOME" LOG_LEVEL="$LOG_LEVEL" HOST=127.0.0.1 TRUST_PROXY=true \
    KAFKA_BOOTSTRAP_SERVERS="$KAFKA" "$@" "${extra[@]}" "$NODE" "$dir/dist/main.js"
  proc_spawn "$proc"
}

OAUTH_CLIENTS=$(printf '{"chat-service":{"secret":"%s","scopes":["archive:read","archive:write"]}}' "$SERVICE_SECRET")
start_service auth services/auth AUTH PORT="${PORT[auth]}" DATABASE_URL="$CLUSTER_PG_URL" \
  KEYS_DIR="$CLUSTER_KEYS" OAUTH_CLIENTS="$OAUTH_CLIENTS" PUBLIC_URL="$BASE_URL/api/auth" \
  IP_RATE_LIMIT_MAX=1000000 IP_RATE_LIMIT_WINDOW=1m LOGIN_MAX_FAILURES=1000000
start_service archive services/archive ARCHIVE PORT="${PORT[archive]}" MONGO_URI="$CLUSTER_MONGO_URI" \
  AUTH_SERVICE_URL="$AUTH_URL" INGEST_GROUP_ID="$INGEST_GROUP" INGEST_START=latest \
  INSTANCE_ID=cluster-archive
for chat in chat-a chat-b; do
  # Socket and room-creation rate limits far above any profile's per-user rate: k6 drives each
  # user harder than a person would (load profiles create 50-200 rooms per owner). The mover runs every 2 s so history aged by scripts/k6/age-history.sh moves
  # promptly (each run is one advisory lock and an indexed select when nothing is due).
  start_service "$chat" services/chat CHAT PORT="${PORT[$chat]}" DATABASE_URL="$CLUSTER_PG_URL" \
    REDIS_URL="$REDIS_URL" AUTH_SERVICE_URL="$AUTH_URL" ARCHIVE_SERVICE_URL="$ARCHIVE_URL" \
    SERVICE_CLIENT_ID=chat-service SERVICE_CLIENT_SECRET="$SERVICE_SECRET" \
    INSTANCE_ID="cluster-$chat" SOCKET_REDIS_KEY_PREFIX=falablau-cluster \
    SOCKET_RATE_LIMIT_MESSAGES=100000/1s SOCKET_RATE_LIMIT_TYPING=100000/1s \
    SOCKET_RATE_LIMIT_JOINS=100000/1s ROOM_CREATE_RATE_LIMIT=100000/1s ARCHIVE_MOVE_INTERVAL=2s
done
log "starting auth :${PORT[auth]}, archive :${PORT[archive]}, chat-a :${PORT[chat-a]}, chat-b :${PORT[chat-b]} (logs in ${CLUSTER_LOGS#"$REPO_ROOT"/})"

# ── nginx, routing like the ingress ─────────────────────────────────────────────────────────
mkdir -p "$NGINX_PREFIX/conf" "$NGINX_PREFIX/temp"
nofile=$(ulimit -Hn)
[[ $nofile == unlimited ]] && nofile=1048576
user_line=
# A root master would run its workers as `nobody`; run them as the invoking user instead.
[[ $EUID -eq 0 ]] && user_line="user $(id -un) $(id -gn);"
web_root=$REPO_ROOT/web/dist
if [[ -f $web_root/index.html ]]; then
  web_location="root $web_root; try_files \$uri /index.html;"
else
  web_location="default_type text/plain; return 404 'no web build (npm run build -w @falablau/web)\n';"
fi
cat >"$NGINX_PREFIX/conf/nginx.conf" <<EOF
# Written by scripts/cluster/up.sh at every start. The local stand-in for ingress-nginx: the same
# routes (/api/<service>/ with the prefix stripped, /socket.io/ as is), round robin over the chat
# processes with NO session affinity, WebSocket upgrades with long timeouts.
$user_line
worker_processes auto;
worker_rlimit_nofile $nofile;
pid $NGINX_PREFIX/nginx.pid;
error_log $CLUSTER_LOGS/nginx-error.log warn;
events {
  # Each proxied WebSocket holds two descriptors (client side, upstream side).
  worker_connections $((nofile / 2));
}
http {
  access_log off;
  server_tokens off;
  client_body_temp_path $NGINX_PREFIX/temp/client_body;
  proxy_temp_path $NGINX_PREFIX/temp/proxy;
  fastcgi_temp_path $NGINX_PREFIX/temp/fastcgi;
  uwsgi_temp_path $NGINX_PREFIX/temp/uwsgi;
  scgi_temp_path $NGINX_PREFIX/temp/scgi;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_max_body_size 1m;

  # "Connection: upgrade" only for upgrade requests; an empty header otherwise, so the
  # keep-alive connections to the upstreams are reused.
  map \$http_upgrade \$connection_upgrade {
    default upgrade;
    '' '';
  }
  upstream falablau_auth {
    server 127.0.0.1:${PORT[auth]};
    keepalive 32;
  }
  upstream falablau_chat {
    server 127.0.0.1:${PORT[chat-a]};
    server 127.0.0.1:${PORT[chat-b]};
    keepalive 64;
  }
  upstream falablau_archive {
    server 127.0.0.1:${PORT[archive]};
    keepalive 32;
  }
  proxy_http_version 1.1;
  proxy_set_header Host \$host;
  proxy_set_header Upgrade \$http_upgrade;
  proxy_set_header Connection \$connection_upgrade;
  proxy_set_header X-Real-IP \$remote_addr;
  proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto \$scheme;
  proxy_set_header X-Forwarded-Host \$host;
  proxy_set_header X-Forwarded-Port \$server_port;
  proxy_connect_timeout 5s;

  server {
    listen 127.0.0.1:${PORT[nginx]} backlog=4096;
    location /api/auth/ { proxy_pass http://falablau_auth/; }
    location /api/chat/ { proxy_pass http://falablau_chat/; }
    location /api/archive/ { proxy_pass http://falablau_archive/; }
    location /socket.io/ {
      proxy_pass http://falablau_chat;
      proxy_buffering off;
      proxy_read_timeout 3600s;
      proxy_send_timeout 3600s;
    }
    location / { $web_location }
  }
}
EOF
"$NGINX" -t -q -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/conf/nginx.conf" -e "$CLUSTER_LOGS/nginx-error.log" \
  >"$CLUSTER_LOGS/nginx-test.log" 2>&1 || die "nginx refused its configuration" "$CLUSTER_LOGS/nginx-test.log"

# ── wait until each service is ready, then start the entry point ────────────────────────────
for p in auth archive chat-a chat-b; do
  wait_until "$READY_TIMEOUT" "$(proc_pid "$p")" http_ok "$(proc_ready_url "$p")" ||
    die "$p: not ready on $(proc_ready_url "$p") within ${READY_TIMEOUT}s (or it exited)" "$(proc_logfile "$p")"
done
mv -f "$(proc_logfile nginx)" "$(proc_logfile nginx).1" 2>/dev/null || true
proc_save_cmd nginx "$NGINX_PREFIX" \
  "$NGINX" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/conf/nginx.conf" -e "$CLUSTER_LOGS/nginx-error.log" \
  -g 'daemon off;'
proc_spawn nginx
for path in /api/auth/ready /api/archive/ready /api/chat/ready /api/chat/ready; do
  wait_until 20 "$(proc_pid nginx)" http_ok "$BASE_URL$path" ||
    die "nginx: $BASE_URL$path does not answer" "$CLUSTER_LOGS/nginx-error.log"
done

# ── cluster.env ─────────────────────────────────────────────────────────────────────────────
tmp=$(mktemp "$CLUSTER_ENV.XXXXXX")
{
  echo "# The local cluster, written by scripts/cluster/up.sh; docs/load-testing.md"
  echo "BASE_URL=$BASE_URL"
  for p in "${CLUSTER_PROCS[@]}"; do
    var=$(echo "$p" | tr 'a-z-' 'A-Z_')
    echo "${var}_URL=http://127.0.0.1:${PORT[$p]}"
    echo "${var}_PID=$(proc_pid "$p")"
  done
  echo "CLUSTER_DATABASE_URL=$CLUSTER_PG_URL"
  echo "CLUSTER_MONGO_URI=$CLUSTER_MONGO_URI"
} >"$tmp"
mv -f "$tmp" "$CLUSTER_ENV"
trap - EXIT
log "up in $((SECONDS - t0))s: BASE_URL=$BASE_URL (wrote ${CLUSTER_ENV#"$REPO_ROOT"/})"
