#!/usr/bin/env bash
# Stops the local test servers (data in .infra is kept).   Usage: scripts/infra/down.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_servers
infra_lock
for s in mongo kafka redis postgres; do svc_call "$s" stop; done
