#!/usr/bin/env bash
# tests/browser/test_browser_axe.py runs axe-core (from npm) on the notebooks' rendered outputs. Install it once
# into test-output/axe (git-ignored), before pytest cuts the test run off the network. Like
# ensure-browser.sh: on CI, or as root, install npm if it is missing; elsewhere the axe test skips with
# a one-line reason (unless CI or REQUIRE_BROWSER is set, where it fails).
set -euo pipefail
cd "$(dirname "$0")/.."
target=test-output/axe
if [ -f "$target/node_modules/axe-core/axe.min.js" ]; then exit 0; fi
if ! command -v npm >/dev/null 2>&1; then
  if [ -n "${CI:-}" ] || [ "$(id -u)" = "0" ]; then
    echo "Installing Debian's npm for the accessibility test ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq npm >/dev/null
  else
    echo "No npm: the accessibility test (axe-core) will be skipped (install it with: sudo apt-get install npm)."
    exit 0
  fi
fi
mkdir -p "$target"
echo "Installing axe-core 4 into $target for the accessibility test ..."
npm install --no-save --no-audit --no-fund --prefix "$target" axe-core@4 >/dev/null
