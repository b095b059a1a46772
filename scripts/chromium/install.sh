#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test of report.html (tests/it/report_html.rs).
# Idempotent: a no-op when /usr/bin/chromium (or $CHROMIUM) already runs. Needs root (apt-get), as in
# .ci/run; nothing is downloaded but Debian's packages (no browser build of a test tool's own).
#
#   scripts/chromium/install.sh     install if missing, then print the version
#
# The test starts it headless with the flags this closed network needs (see tests/it/report_html.rs).
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
log() { printf '[chromium install] %s\n' "$*"; }
die() { printf '[chromium install] error: %s\n' "$*" >&2; exit 1; }

version() { "$CHROMIUM" --version 2>/dev/null | head -n 1; }

if [ -x "$CHROMIUM" ] && v=$(version) && [ -n "$v" ]; then
  log "already installed: $v"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "$CHROMIUM is missing and installing it needs root (apt-get install chromium)"
command -v apt-get >/dev/null || die "no apt-get: install Chromium with this system's package manager"

export DEBIAN_FRONTEND=noninteractive
t0=$(date +%s)
# A stale or missing package list is the usual reason `apt-get install` cannot find chromium.
apt-get update -qq || log "apt-get update failed; trying the package lists already here"
apt-get install -y -qq --no-install-recommends chromium >/dev/null \
  || die "apt-get install chromium failed"
v=$(version) || die "$CHROMIUM does not run after the install"
log "installed in $(( $(date +%s) - t0 )) s: $v"
