"""The assistant's report on hand-built data worked out by hand, on SQLite and PostgreSQL, through the page, the
exports and the API.

Window: March 2026 in Asia/Shanghai. Judged = received in March, read by the assistant, resolved or closed.
  C1 tracking  (suggested tracking) resolved  03-01 00:00  → judged, right
  C2 tracking  (suggested tracking) closed    03-15        → judged, right
  C3 claim     (suggested tracking) closed    03-31 23:59  → judged, wrong (the agent corrected it)
  C4 tracking  (suggested tracking) open      03-10        → not judged: the category is not final
  C5 payment   (never read)         resolved  03-10        → not judged: from before the assistant
  C6 payment   (suggested payment)  resolved  02-28 23:59  → not judged: before March
By final category: tracking 2 judged, 2 right (1.0000); claim 1, 0 (0.0000). Totals 3, 2: 0.6667.
Answered alone: C4 at 03-10 03:00, the buyer wrote again at 03:05 → came back; C7 tracking at 03-11 (no message
since) → answered; C8 at 04-01 00:00 → after March. Totals: 2 answered, 1 came back.
"""
import csv
import io
from datetime import date, timedelta

from shopcs.cases.models import CaseEvent
from shopcs.extensions import db
from shopcs.reports.assistant import AccuracyRow, AnsweredRow, assistant_report
from shopcs.windows import Window

from ..builders import make_token
from ..case_builders import make_case
from ..web.test_report_pages import _client
from .test_refund_rate_report import local

ZONE = "Asia/Shanghai"
MARCH = Window(date(2026, 3, 1), date(2026, 3, 31))
MARCH_ARGS = "start=2026-03-01&end=2026-03-31"


def _case(category, suggested, status, received, answered_at=None):
    case = make_case(category=category, received_at=received, now=received + timedelta(minutes=1))
    case.suggested_category, case.suggested_confidence = suggested, 0.9 if suggested else None
    case.status, case.assistant_answered_at = status, answered_at
    db.session.commit()
    return case


def march():
    _case("tracking", "tracking", "resolved", local(2026, 3, 1))
    _case("tracking", "tracking", "closed", local(2026, 3, 15))
    _case("claim", "tracking", "closed", local(2026, 3, 31, 23, 59))
    c4 = _case("tracking", "tracking", "open", local(2026, 3, 10), answered_at=local(2026, 3, 10, 3))
    db.session.add(CaseEvent(case_id=c4.id, kind="customer_message", actor="token:shop", body="还是没收到",
                             channel="chat", occurred_at=local(2026, 3, 10, 3, 5), created_at=local(2026, 3, 10, 3, 5)))
    _case("payment", None, "resolved", local(2026, 3, 10))
    _case("payment", "payment", "resolved", local(2026, 2, 28, 23, 59))
    _case("tracking", "tracking", "open", local(2026, 3, 11, 1), answered_at=local(2026, 3, 11, 1, 2))
    _case("tracking", "tracking", "open", local(2026, 3, 31, 23, 59), answered_at=local(2026, 4, 1))
    db.session.commit()


def test_the_report_counts_what_was_worked_out_by_hand(app):
    march()
    report = assistant_report(MARCH, ZONE)
    assert report.rows == [AccuracyRow("tracking", 2, 2), AccuracyRow("claim", 1, 0)]
    assert (report.totals.cases, report.totals.right, str(report.totals.rate)) == (3, 2, "0.6667")
    assert report.answered == [AnsweredRow("tracking", 2, 1)]
    assert (report.answered_totals.answered, report.answered_totals.came_back) == (2, 1)


def test_an_empty_range_has_no_rate(app):
    report = assistant_report(MARCH, ZONE)
    assert report.rows == [] and report.totals.rate is None and report.answered == []


def test_the_page_the_exports_and_the_api(app, login, client):
    march()
    operator = _client(app, login, "operator")
    page = operator.get(f"/reports/assistant?{MARCH_ARGS}").get_data(as_text=True)
    assert 'data-test="total-rate"><strong>66.67%</strong>' in page and page.count('data-test="accuracy-row"') == 2
    assert "查货" in page and page.count('data-test="answered-row"') == 1
    assert 'data-test="report-nav-assistant"' in page
    rows = list(csv.reader(io.StringIO(operator.get(f"/reports/assistant/export?{MARCH_ARGS}&format=csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["category", "cases", "right", "rate"] and ["claim", "1", "0", "0.0000"] in rows
    api = client.get(f"/api/v1/reports/assistant?{MARCH_ARGS}", headers={"Authorization": f"Bearer {make_token()}"})
    assert api.status_code == 200
    assert (api.json["cases"], api.json["right"], api.json["rate"], api.json["answered"], api.json["came_back"]) == \
        (3, 2, "0.6667", 2, 1)
    assert api.json["answered_rows"] == [{"category": "tracking", "answered": 2, "came_back": 1, "rate": "0.5000"}]


def test_agents_do_not_see_the_report(sqlite_app, login):
    assert _client(sqlite_app, login, "agent").get("/reports/assistant").status_code == 403
