"""The request metrics every web worker keeps, and the Prometheus text /metrics answers with.

With several gunicorn workers each worker counts its own requests: with PROMETHEUS_MULTIPROC_DIR set (before the
app is imported, as prometheus_client reads it then) each worker writes its counts to files there and a scrape adds
up every worker's files, whichever worker answers it. Without it, one process's own counts are shown. The database's
figures are not kept here: they are counted by a collector at each scrape (gauges.py).
"""
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from ..config import ConfigError

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # the Prometheus text format
DURATION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)  # seconds; a page's budget is tenths

# This process's own request metrics (in multiprocess mode their values go to files in the directory instead).
PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("shopcs_http_requests", "HTTP requests answered, by Flask endpoint, method and status code.",
                   ("endpoint", "method", "status"), registry=PROCESS_REGISTRY)
DURATION = Histogram("shopcs_http_request_duration_seconds",
                     "Time from the request's first hook to its response, by Flask endpoint and method.",
                     ("endpoint", "method"), buckets=DURATION_BUCKETS, registry=PROCESS_REGISTRY)


def multiprocess_dir(env=os.environ) -> str | None:
    """PROMETHEUS_MULTIPROC_DIR, made when missing (a missing one would fail every request's count); a path that cannot
    be a directory stops the app at start. Emptying it is gunicorn's job, as it starts (README)."""
    path = env.get(MULTIPROC_ENV)
    if not path:
        return None
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{MULTIPROC_ENV} is {path!r}, which cannot be used as a directory: {exc.strerror}.") from exc
    return path


def init_metrics() -> None:
    """Counters without their `_created` series: a series per label set is enough, and multiprocess mode has none."""
    disable_created_metrics()


_CHILDREN: dict[tuple[str, str, int], tuple] = {}  # (endpoint, method, status) → its two series: labels() takes a lock


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    series = _CHILDREN.get((endpoint, method, status))
    if series is None:
        series = _CHILDREN[(endpoint, method, status)] = (REQUESTS.labels(endpoint, method, str(status)),
                                                            DURATION.labels(endpoint, method))
    series[0].inc()
    series[1].observe(seconds)


class _ProcessCollector:
    """This process's request metrics, for a scrape without multiprocess mode."""

    def collect(self):
        return PROCESS_REGISTRY.collect()


def exposition(*collectors, env=os.environ) -> bytes:
    """The Prometheus text of the request metrics (every worker's, in multiprocess mode) and of `collectors`."""
    registry = CollectorRegistry(auto_describe=False)  # nothing is collected before the scrape itself
    path = multiprocess_dir(env)
    if path:
        MultiProcessCollector(registry, path=path)
    else:
        registry.register(_ProcessCollector())
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)
