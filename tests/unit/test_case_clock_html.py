"""The first-response clock's markup: static/cases.js reads a running clock's data- attributes to refresh it."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from shopcs.cases.view_support import ClockView

UTC = timezone.utc
RECEIVED = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
DUE = RECEIVED + timedelta(minutes=5)


def test_a_running_clock_carries_what_the_script_needs_to_count_down():
    html = ClockView("amber", "2 min left", RECEIVED, DUE, Decimal("0.4")).html()
    assert html == ('<span class="clock clock-amber" data-test="case-clock" data-level="amber" data-clock '
                    'data-received="2026-03-04T02:00:00+00:00" data-due="2026-03-04T02:05:00+00:00" data-share="0.4">'
                    "2 min left</span>")


def test_a_stopped_clock_is_plain_text_and_times_in_another_zone_are_sent_as_utc():
    shanghai = timezone(timedelta(hours=8))
    assert ClockView("met", "answered in 2 min", RECEIVED.astimezone(shanghai), DUE, Decimal("0.4")).html("big") == (
        '<span class="clock clock-met" data-test="big" data-level="met">answered in 2 min</span>')
    running = ClockView("ok", "4 min left", RECEIVED.astimezone(shanghai), DUE, Decimal("0.4")).html()
    assert 'data-received="2026-03-04T02:00:00+00:00"' in running


def test_the_text_is_escaped():
    html = ClockView("red", '<b>"overdue"</b>', RECEIVED, DUE, Decimal("0.4")).html()
    assert "<b>" not in html and "&lt;b&gt;&quot;overdue&quot;&lt;/b&gt;" in html
