#!/usr/bin/env bash
# The README's test command: installs everything, then runs the whole suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
.venv/bin/ruff check shopcs tests bench app.py
.venv/bin/lint-imports  # the layers: contracts in pyproject.toml
exec .venv/bin/python -m pytest "$@"
