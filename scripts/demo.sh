#!/usr/bin/env bash
# The README's demo command: installs, migrates a SQLite database, loads demo data, starts the web app and the scheduler.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export SHOPCS_SECRET_KEY="${SHOPCS_SECRET_KEY:-demo-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(16))')}"
export SHOPCS_SECURE_COOKIES="${SHOPCS_SECURE_COOKIES:-0}"  # plain http on 127.0.0.1: cookies without the Secure flag
export SHOPCS_DATABASE_URL="${SHOPCS_DATABASE_URL:-sqlite:///$(pwd)/instance/demo.sqlite3}"
mkdir -p instance
.venv/bin/flask --app app db upgrade
.venv/bin/flask --app app demo seed
port="${PORT:-5000}"
echo
echo "ShopCS demo (织云小铺): open http://127.0.0.1:${port}/ and log in with one of these accounts (user name, role, name):"
.venv/bin/flask --app app demo accounts
echo "(Another port: PORT=8080 ./scripts/demo.sh)"
echo
# The scheduler is its own process (reminders, greetings, the outbox sender); stop it with the web app.
.venv/bin/flask --app app followup scheduler &
scheduler_pid=$!
trap 'kill -TERM "$scheduler_pid" 2>/dev/null; wait "$scheduler_pid" 2>/dev/null' EXIT INT TERM
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:${port}" --access-logfile - app:app
