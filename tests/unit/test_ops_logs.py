"""Log lines: one line per event, JSON or plain text, naming the request (or scheduler run) they belong to."""
import io
import json
import logging
import sys

import pytest

from shopcs.config import ConfigError
from shopcs.log_context import bind_request_id, unbind_request_id
from shopcs.ops.logs import JsonFormatter, RequestIdFilter, TextFormatter, checked_log_format, configure_logging


def _record(message="订单 %s 已发货", *args, exc_info=None, name="shopcs.orders"):
    record = logging.LogRecord(name, logging.WARNING, __file__, 10, message, args or ("T1",), exc_info)
    record.created = 1796689536.5  # 2026-12-08T00:25:36.500Z
    RequestIdFilter().filter(record)
    return record


def _failure():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        return sys.exc_info()


def test_a_json_line_has_the_time_level_logger_message_and_request_id():
    token = bind_request_id("req-1")
    try:
        line = JsonFormatter().format(_record())
    finally:
        unbind_request_id(token)
    assert json.loads(line) == {"timestamp": "2026-12-08T00:25:36.500+00:00", "level": "WARNING", "logger": "shopcs.orders",
                                "message": "订单 T1 已发货", "request_id": "req-1"}
    assert "\n" not in line and "订单" in line  # Chinese stays readable


def test_a_json_line_outside_a_request_has_no_request_id():
    assert json.loads(JsonFormatter().format(_record()))["request_id"] is None


def test_a_json_line_carries_the_traceback_on_the_same_line():
    line = JsonFormatter().format(_record("failed on %s", exc_info=_failure()))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["exception"].startswith("Traceback") and "ValueError: bad\nvalue" in entry["exception"]


def test_a_text_line_names_the_request_and_keeps_a_traceback_on_one_line():
    token = bind_request_id("req-2")
    try:
        line = TextFormatter().format(_record("failed: %s", "a\nforged line", exc_info=_failure()))
    finally:
        unbind_request_id(token)
    assert line.startswith("2026-12-08T00:25:36.500+00:00 WARNING shopcs.orders [req-2] failed: a\\nforged line | Traceback")
    assert "\n" not in line and "ValueError: bad\\nvalue" in line


def test_a_text_line_outside_a_request_shows_a_dash():
    assert " [-] " in TextFormatter().format(_record())


def test_logging_is_configured_once_however_many_apps_are_built(monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging("text")
    handler = configure_logging("json")  # the second app: same handler, its format
    assert root.handlers == [handler]
    token = bind_request_id("req-3")
    try:
        logging.getLogger("shopcs.test").info("hello")
    finally:
        unbind_request_id(token)
    assert json.loads(stream.getvalue()) | {"timestamp": None} == {
        "timestamp": None, "level": "INFO", "logger": "shopcs.test", "message": "hello", "request_id": "req-3"}


@pytest.mark.parametrize("value, chosen", [(None, "text"), ("", "text"), ("JSON", "json"), (" text ", "text")])
def test_the_log_format_setting_takes_text_or_json(value, chosen):
    assert checked_log_format(value) == chosen


def test_an_unknown_log_format_stops_the_app_at_start():
    with pytest.raises(ConfigError, match="SHOPCS_LOG_FORMAT"):
        checked_log_format("xml")
