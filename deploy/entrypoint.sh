#!/bin/sh
# The one way ShopCS's processes are started: by the systemd units, the container image and the production-layout
# test alike (tests/integration/test_production_layout.py), so what is tested is what runs.
#
#   deploy/entrypoint.sh web [GUNICORN FLAGS]   the web app: gunicorn with deploy/gunicorn.conf.py
#   deploy/entrypoint.sh scheduler              the scheduler process: sweeps and the outbox sender (one or more)
#   deploy/entrypoint.sh migrate                create or upgrade the database schema (every release, before web)
#   deploy/entrypoint.sh flask ARGS...          any other command: flask --app app ARGS (backup, users, api-token…)
#
# Settings come from the environment (SHOPCS_*; see deploy/shopcs.env.example). SHOPCS_VENV names the virtualenv
# (default: .venv beside deploy/, where scripts/install.sh puts it).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${SHOPCS_VENV:-$root/.venv}/bin"
command="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$command" in
  web) exec "$bin/gunicorn" --config deploy/gunicorn.conf.py "$@" app:app ;;
  scheduler) exec "$bin/flask" --app app followup scheduler "$@" ;;
  migrate) exec "$bin/flask" --app app db upgrade "$@" ;;
  flask) exec "$bin/flask" --app app "$@" ;;
  *)
    echo "usage: $0 web [gunicorn flags] | scheduler | migrate | flask ARGS..." >&2
    exit 64
    ;;
esac
