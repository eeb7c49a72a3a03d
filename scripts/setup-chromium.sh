#!/usr/bin/env bash
# Makes Debian's Chromium available at /usr/bin/chromium for the dashboard test (driven by
# playwright-core, which ships no browser). Idempotent: does nothing when Chromium is present.
# Serialised with flock so parallel callers do not run two apt-get at once.
set -euo pipefail

log() { echo "setup-chromium: $*" >&2; }

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

exec 9>/tmp/ficus-apt.lock
flock 9
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  log "Chromium is missing and this user cannot install packages; run: apt-get install -y chromium"
  exit 1
fi
log "Chromium not found; installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
/usr/bin/chromium --version >&2
