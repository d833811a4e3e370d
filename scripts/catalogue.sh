#!/usr/bin/env bash
# After changing user-visible text: re-extract the template, update the Chinese catalogue, then (once every new
# message is translated in messages.po) compile it. The compiled messages.mo is committed, so any install
# (`pip install -e .`, `pip install .`, scripts/install.sh) speaks Chinese with no build step;
# tests/unit/test_translations.py fails when the committed .mo does not match the .po.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
[ -x "$bin/pybabel" ] || bin="$(dirname "$(command -v pybabel)")"
"$bin/pybabel" -q extract -F babel.cfg -k _l -k lazy_gettext -o shopcs/translations/messages.pot .
"$bin/pybabel" -q update -i shopcs/translations/messages.pot -d shopcs/translations -l zh_CN --no-fuzzy-matching --ignore-obsolete
"$bin/pybabel" compile -d shopcs/translations -l zh_CN
