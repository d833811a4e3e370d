"""The operations side's pure rules: which incoming request ids are kept, method labels, when a job is late."""
from datetime import datetime, timedelta, timezone

import pytest

from shopcs.followup.job_runs import ERROR_LENGTH, short_error
from shopcs.ops.rules import REQUEST_ID_MAX, is_late, method_label, sane_request_id

NOW = datetime(2026, 11, 11, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", [
    "3f2b8c1e-9a4d-4c2e-8f1a-0b6d7e9c5a21",  # a UUID
    "5c26a99bbcb9e37fb6bc3fb0f04b084d",  # nginx's $request_id
    "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8",  # a tracer's header
    "a" * REQUEST_ID_MAX,
])
def test_a_proxy_or_tracer_request_id_is_kept_as_sent(value):
    assert sane_request_id(value) == value


@pytest.mark.parametrize("value", [
    None, "", "a" * (REQUEST_ID_MAX + 1), "has space", "line\nbreak", 'quote"d', "<script>", "请求", "-leading",
    "tab\there", "semi;colon\r\nX-Injected: 1",
])
def test_a_request_id_that_could_break_a_log_line_or_a_header_is_replaced(value):
    assert sane_request_id(value) is None


def test_standard_methods_are_labels_and_made_up_ones_are_other():
    assert [method_label(m) for m in ("GET", "POST", "PUT", "DELETE", "BREW", "get")] == [
        "GET", "POST", "PUT", "DELETE", "other", "other"]


def test_a_job_is_late_only_after_three_of_its_intervals_without_a_run():
    assert not is_late(NOW - timedelta(seconds=180), 60, NOW)  # exactly three intervals: not yet
    assert is_late(NOW - timedelta(seconds=181), 60, NOW)
    assert not is_late(NOW - timedelta(hours=47), 86400, NOW)  # a daily job is judged by its own interval


def test_a_job_that_never_ran_is_not_late():
    assert not is_late(None, 60, NOW)


def test_a_failure_is_kept_as_its_type_and_first_line_cut_short():
    assert short_error(ValueError("bad value\nDETAIL: Key (id)=(1)")) == "ValueError: bad value"
    assert short_error(RuntimeError()) == "RuntimeError"
    long = short_error(RuntimeError("x" * 1000))
    assert len(long) == ERROR_LENGTH and long.endswith("…")
