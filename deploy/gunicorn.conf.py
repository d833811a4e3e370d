"""gunicorn settings for the ShopCS web app: `gunicorn --config deploy/gunicorn.conf.py app:app`.

The systemd unit and the container image both start it through deploy/entrypoint.sh, so there is one
command line for every layout. Where to listen and how many workers come from the environment (the
systemd EnvironmentFile, `docker run -e`); the rest is fixed here, each with its reason. A command-line
flag still wins over this file (`--bind 127.0.0.1:8001 --workers 2` for the widget's second server).
"""
import glob
import os
import tempfile


def _int(name: str, default: int) -> int:
    """A whole-number setting from the environment; a typo stops gunicorn at start with the setting's name."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {text!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}")
    return value


def _default_workers(cores: int | None) -> int:
    """gunicorn's own advice for sync workers, 2 × cores + 1, at most 8: a request mostly waits on the database,
    and past 8 the connections (each worker keeps a pool) cost PostgreSQL more than they give."""
    return min(2 * (cores or 1) + 1, 8)


# Behind a TLS-terminating reverse proxy on the same host; in a container 0.0.0.0:8000 (the image sets it).
# Several addresses: comma-separated.
bind = [address.strip() for address in (os.environ.get("SHOPCS_WEB_BIND", "").strip() or "127.0.0.1:8000").split(",")]
workers = _int("SHOPCS_WEB_WORKERS", _default_workers(os.cpu_count()))

# Sync workers: every request is short and database-bound, and the app keeps no per-connection state. Long
# waits (the widget's polling) go to the second gunicorn the README routes /widget/v1/ to.
worker_class = "sync"
# A request still running after this many seconds is killed and logged as a worker timeout: twice gunicorn's
# default, for a large CSV import or export; a page that needs more is a bug to find, not a limit to raise.
timeout = _int("SHOPCS_WEB_TIMEOUT", 60)
# On SIGTERM (systemctl stop, docker stop) the workers finish their requests for up to this long. The unit's
# TimeoutStopSec is longer (tests/integration/test_deploy_files.py checks), so systemd never kills a request mid-write.
graceful_timeout = 30
keepalive = 5  # seconds an idle connection from the proxy in front is kept open for its next request
# A worker is replaced after about this many requests (the jitter keeps them from restarting together), so a
# slow leak in a library cannot grow for months in a process that runs for years.
max_requests = 5000
max_requests_jitter = 500
# The workers' heartbeat files: in memory, so a slow or full disk (a container's overlay) never makes the
# master think a worker hangs.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs: one line per request on stdout, gunicorn's own on stderr; journald or the container runtime keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SHOPCS_WEB_LOG_LEVEL", "info")
# The default line plus the time taken, in microseconds (%(D)s) — what a slow page is found by.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'
proc_name = "shopcs-web"
# No control socket (gunicorn 25+ puts one in the user's home): systemd and the container runtime manage the server
# with signals (HUP reloads, TERM stops), and the web and widget servers of one user would share its path.
control_socket_disable = True

# Preload off: each worker imports the app itself after the fork. Then `systemctl reload` (SIGHUP) starts
# workers on the new release's code, no database connection or pool made in the master is ever shared by
# forked workers, and a worker that cannot start (a bad setting) still stops gunicorn at start, with the
# reason in the log. The price is each worker's own copy of the imported modules: memory, not requests.
preload_app = False

# Prometheus multiprocess mode (GET /metrics): every worker writes its request counts to files in
# PROMETHEUS_MULTIPROC_DIR and a scrape adds them up. The systemd units set it to their RuntimeDirectory
# (/run/shopcs-web, /run/shopcs-widget, new at every start); elsewhere (the image, a plain start) a directory of this
# server's own under the temp dir. Set here, in the master, before any worker imports prometheus_client.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"shopcs-metrics-{os.getpid()}"))


def on_starting(server):
    """Each start counts from zero: a previous run's worker files would add to the new counts (not on reload)."""
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(path, exist_ok=True)
    for name in glob.glob(os.path.join(path, "*.db")):
        os.remove(name)


def child_exit(server, worker):
    """A worker that ended keeps its counters but no longer reports live gauges."""
    from prometheus_client import multiprocess  # imported here: at the top it would fix the mode too early

    multiprocess.mark_process_dead(worker.pid)
