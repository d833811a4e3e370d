"""Log lines: one line per event, as JSON (SHOPCS_LOG_FORMAT=json, for a log collector) or as plain text, each
naming the request (or scheduler run) it belongs to. Configured once per process, by the app factory; the scheduler
process is built by the same factory.

The standard library's logging with two small formatters: nothing a collector needs is missing from them (a
timestamp, the level, the logger, the message, the request id, the traceback), so no logging library is added.
"""
import json
import logging
import sys
from datetime import datetime, timezone

from flask.logging import default_handler

from ..config import ConfigError
from ..log_context import current_request_id

LOG_FORMATS = ("text", "json")
APP_LOGGER = "shopcs"  # the app's own loggers (and Flask's app.logger) are below it


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (None outside a request or a scheduler run)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")


def _exception_text(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    if record.exc_info:
        return formatter.formatException(record.exc_info)
    return record.exc_text or None


class JsonFormatter(logging.Formatter):
    """{"timestamp", "level", "logger", "message", "request_id"[, "exception"][, "stack"]} on one line: JSON escapes
    the newlines of a message or a traceback, and keeps Chinese text readable."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"timestamp": _timestamp(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage(), "request_id": getattr(record, "request_id", None)}
        exception = _exception_text(self, record)
        if exception:
            entry["exception"] = exception
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-12-08T01:02:03.456+00:00 INFO shopcs.x [request id] message`, the traceback on the same line: line breaks
    are written as \\n, so a multi-line event (or a message carrying a line break a user typed) stays one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name} [{getattr(record, 'request_id', None) or '-'}] " \
               f"{record.getMessage()}"
        exception = _exception_text(self, record)
        if exception:
            line = f"{line} | {exception}"
        if record.stack_info:
            line = f"{line} | {self.formatStack(record.stack_info)}"
        return line.replace("\r", "\\r").replace("\n", "\\n")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (as logging's own last-resort handler does), so a test runner that
    swaps stderr never leaves it writing to a closed stream."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def checked_log_format(value: str | None) -> str:
    """SHOPCS_LOG_FORMAT as given ("text" when empty); anything else stops the app at start."""
    chosen = (value or "text").strip().lower()
    if chosen not in LOG_FORMATS:
        raise ConfigError(f"SHOPCS_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {value!r}.")
    return chosen


def configure_logging(log_format: str) -> logging.Handler:
    """One handler on the root logger, to stderr, in `log_format`; calling it again (each app the factory builds)
    replaces the formatter and adds nothing. The app's loggers log from INFO, APScheduler's only warnings (the
    scheduler's own lines say what each run did)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if checked_log_format(log_format) == "json" else TextFormatter())
    app_logger = logging.getLogger(APP_LOGGER)
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(logging.INFO)
    app_logger.removeHandler(default_handler)  # Flask adds it to app.logger when it finds no handler: not twice
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return handler
