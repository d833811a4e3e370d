"""Watching ShopCS run: the Prometheus metrics at /metrics, the scheduler jobs page, request ids and log lines."""


def init_app(app) -> None:
    """Log lines, request ids and request metrics; the factory calls it before anything else adds a request hook."""
    from . import logs, metrics, request_hooks

    logs.configure_logging(app.config.get("SHOPCS_LOG_FORMAT", "text"))
    metrics.multiprocess_dir()  # made when missing; a PROMETHEUS_MULTIPROC_DIR that cannot be one stops the app here
    metrics.init_metrics()
    request_hooks.install(app)
