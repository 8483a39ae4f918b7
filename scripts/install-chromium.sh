#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (e2e/) when /usr/bin/chromium is missing.
# Idempotent and quiet: one progress line; a clear message and a non-zero exit when it fails.
set -euo pipefail

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
  echo "[chromium] present: $CHROMIUM"
  exit 0
fi

fail() {
  echo "[chromium] ERROR: $*" >&2
  echo "[chromium] install it by hand (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "$CHROMIUM is missing; installing needs root (or sudo)"
  SUDO=(sudo -n)
fi

echo "[chromium] installing Debian chromium with apt-get (one-time)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! apt-cache show chromium >/dev/null 2>&1; then
  "${SUDO[@]}" apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; fail "apt-get update failed"; }
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  chromium >"$log" 2>&1; then
  # The package lists may be stale (an old index naming removed versions): refresh once and retry.
  "${SUDO[@]}" apt-get update -qq >>"$log" 2>&1 || true
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium >>"$log" 2>&1 || { tail -n 20 "$log" >&2; fail "apt-get install chromium failed"; }
fi
[ -x "$CHROMIUM" ] || fail "apt-get installed chromium but $CHROMIUM is still missing"
