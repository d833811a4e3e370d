#!/usr/bin/env bash
# The README's test command: installs everything, then runs the whole suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
exec .venv/bin/python -m pytest "$@"
