#!/usr/bin/env bash
# Installs ShopCS into ./.venv (and, with --test, the test tools and Debian's Chromium for browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
.venv/bin/pybabel compile --use-fuzzy -d shopcs/translations >/dev/null 2>&1 || .venv/bin/pybabel compile -d shopcs/translations
if [ "${1:-}" = "--test" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2
  fi
fi
