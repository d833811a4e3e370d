#!/usr/bin/env bash
# Installs ShopCS into ./.venv (and, with --test, the test tools, Debian's Chromium for browser tests and Dovecot for
# the e-mail tests).
# Nothing to compile: the Chinese catalogue ships compiled (shopcs/translations/zh_CN/LC_MESSAGES/messages.mo).
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
if [ "${1:-}" = "--test" ]; then
  # Browser tests need Debian's chromium and a CJK font (without one, Chinese renders as empty boxes); the e-mail
  # tests start Debian's Dovecot on a loopback port (tests/imap_server.py).
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="chromium"
  [ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || missing="${missing:+$missing }dovecot-imapd"
  if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh family 2>/dev/null || true)" ]; then
    missing="${missing:+$missing }fonts-noto-cjk"
  fi
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ]; then
      # shellcheck disable=SC2086 # one word per package
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
      echo "Browser tests need: sudo apt-get install -y $missing" >&2
    fi
  fi
fi
