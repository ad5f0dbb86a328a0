#!/usr/bin/env bash
# The browser tests drive Debian's chromium. On CI, or when we are root, install it if missing;
# elsewhere the browser tests skip with a one-line reason (unless CI or REQUIRE_BROWSER is set).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ -n "${CI:-}" ] || [ "$(id -u)" = "0" ]; then
  echo "Installing Debian's chromium for the browser tests ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo 'not installed')"
else
  echo "No /usr/bin/chromium: the browser tests will be skipped (install it with: sudo apt-get install chromium)."
fi
