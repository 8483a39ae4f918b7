#!/usr/bin/env bash
# Installs (only what is missing) and starts the local test servers on 127.0.0.1:
# PostgreSQL, Redis, Kafka (KRaft) and FerretDB (MongoDB wire protocol), then writes .env.local.
# Idempotent: servers already running are left alone.   Usage: scripts/infra/up.sh [--clean]
#   --clean   stop the servers and wipe their data in .infra first (caches are kept)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_servers

clean=
for arg in "$@"; do
  case $arg in
    --clean) clean=1 ;;
    -h | --help)
      sed -n '2,5s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown option '$arg' (usage: scripts/infra/up.sh [--clean])" ;;
  esac
done

t0=$SECONDS
infra_lock
if [[ -n $clean ]]; then
  for s in mongo kafka redis postgres; do svc_call "$s" stop; done
  for s in mongo kafka redis postgres; do svc_call "$s" wipe; done
  rm -rf "${INFRA_STATE:?}"/* "${INFRA_RUN:?}"/*
  log "wiped the servers' data in ${INFRA_DIR#"$REPO_ROOT"/}"
fi

for s in "${INFRA_SERVERS[@]}"; do
  svc_call "$s" start
done
write_env
log "all servers up ($((SECONDS - t0))s); wrote ${ENV_FILE#"$REPO_ROOT"/}:"
grep -E "^($(
  IFS='|'
  echo "${ENV_KEYS[*]}"
))=" "$ENV_FILE" | sed 's/^/[infra]   /'
