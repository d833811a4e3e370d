"""The work-log page and the team report page: who may see what, the figures, notes and submit, print, exports, bad input."""
import csv
import io
from datetime import timedelta
from decimal import Decimal

from flask import g
from sqlalchemy import select

from shopcs.auth.models import User
from shopcs.cases import services
from shopcs.extensions import db
from shopcs.orders.refund_service import RefundRequest, request_refund
from shopcs.reports.team.worklog import get_log
from shopcs.timeutil import local_date, utcnow

from ..builders import make_order, make_user
from ..case_builders import as_user, make_case
from ..integration import test_team_report

EN = {"Accept-Language": "en"}


def _client(app, login, username, role="agent"):
    g.pop("_login_user", None)
    user = make_user(username, role=role)
    client = app.test_client()
    login(client, username)
    return client, user


def _today(app):
    return local_date(utcnow(), app.config["SHOPCS_TIMEZONE"])


def test_todays_log_shows_the_persons_figures_with_links_and_the_print_stylesheet(sqlite_app, login):
    client, amy = _client(sqlite_app, login, "amy")
    now = utcnow()
    case = make_case(actor=as_user(amy), now=now - timedelta(seconds=90), received_at=now - timedelta(seconds=90))
    services.reply(case.id, "您好", as_user(amy), now - timedelta(seconds=30), outbox_channel="manual")
    page = client.get("/worklog/", headers=EN).get_data(as_text=True)
    assert 'data-test="count-opened">1<' in page and 'data-test="count-answered">1<' in page
    assert f"/cases/{case.id}" in page and "0:01:00" in page and 'data-test="print-css"' in page and "print.css" in page
    assert 'data-confirm="Submit the work log for' in page and "Not submitted yet" in page


def test_notes_are_saved_and_submitting_locks_them(sqlite_app, login):
    client, amy = _client(sqlite_app, login, "amy")
    day = _today(sqlite_app).isoformat()
    assert client.post("/worklog/notes", data={"day": day, "notes": "跟进 <b>C3</b>"}).status_code == 302
    page = client.get(f"/worklog/?day={day}", headers=EN).get_data(as_text=True)
    assert "跟进 &lt;b&gt;C3&lt;/b&gt;" in page
    assert client.post("/worklog/submit", data={"day": day}).status_code == 302
    assert get_log(amy, _today(sqlite_app)).submitted_at is not None
    page = client.get(f"/worklog/?day={day}", headers=EN).get_data(as_text=True)
    assert 'data-test="worklog-submitted"' in page and 'data-test="notes-input"' not in page
    refused = client.post("/worklog/notes", data={"day": day, "notes": "changed"}, headers=EN, follow_redirects=True)
    assert "can no longer be changed" in refused.get_data(as_text=True)
    assert get_log(amy, _today(sqlite_app)).notes == "跟进 <b>C3</b>"


def test_bad_input_is_explained(sqlite_app, login):
    client, _amy = _client(sqlite_app, login, "amy")
    day = _today(sqlite_app).isoformat()
    answer = client.get("/worklog/?day=2026-02-30", headers=EN)
    assert answer.status_code == 422 and 'data-test="worklog-error"' in answer.get_data(as_text=True)
    too_long = client.post("/worklog/notes", data={"day": day, "notes": "x" * 5001}, headers=EN)
    assert too_long.status_code == 422 and "at most 5000 characters" in too_long.get_data(as_text=True)
    future = (_today(sqlite_app) + timedelta(days=1)).isoformat()
    assert client.post("/worklog/submit", data={"day": future}).status_code == 422
    assert client.post("/worklog/submit", data={"day": "nope"}).status_code == 422


def test_only_supervisors_and_admins_read_someone_elses_log(sqlite_app, login):
    client, _amy = _client(sqlite_app, login, "amy")
    make_user("bob")
    assert client.get("/worklog/?user=bob").status_code == 403
    boss, _sue = _client(sqlite_app, login, "sue", role="supervisor")
    page = boss.get("/worklog/?user=bob", headers=EN)
    assert page.status_code == 200 and "Work log of bob" in page.get_data(as_text=True)
    assert 'data-test="notes-input"' not in page.get_data(as_text=True)  # nobody writes another's notes
    assert boss.get("/worklog/?user=nobody").status_code == 404


def test_the_team_report_for_supervisors_operators_and_admins_only(sqlite_app, login):
    for role in ("supervisor", "operator", "admin"):
        client, _ = _client(sqlite_app, login, f"r-{role}", role=role)
        assert client.get("/reports/team").status_code == 200, role
    for role in ("agent", "after_sales", "shipping"):
        client, _ = _client(sqlite_app, login, f"r-{role}", role=role)
        assert client.get("/reports/team").status_code == 403 and client.get("/reports/team/export").status_code == 403


def test_the_team_report_page_and_its_exports(sqlite_app, login):
    test_team_report.the_week()
    client, _ = _client(sqlite_app, login, "boss", role="supervisor")
    page = client.get("/reports/team?period=week&day=2026-03-04", headers=EN).get_data(as_text=True)
    assert page.count('data-test="agent-row"') == 3 and 'data-test="team-row"' in page and 'data-test="print-css"' in page
    assert "2026-03-02 to 2026-03-08" in page and "nearest rank" in page
    answer = client.get("/reports/team/export?period=week&day=2026-03-04&format=csv")
    assert answer.mimetype == "text/csv"
    assert 'filename="team-report-week-2026-03-02-2026-03-08.csv"' in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeffscope,agent,cases,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["agent"] for row in rows] == ["amy", "bob", "sue", ""]
    assert rows[-1]["p90_first_response_seconds"] == "300" and rows[-1]["within_target_share"] == "0.5000"  # now K10 is overdue too: 4 of 8
    body = client.get("/reports/team/export?period=month&day=2026-03-04&format=json").json
    assert body["period"] == "month" and body["start"] == "2026-03-01" and body["end"] == "2026-03-31"


def test_the_team_report_keeps_refund_money_per_currency_on_the_page_and_in_the_csv(app, login):
    test_team_report.the_week()
    make_order("U1", placed_at=test_team_report.sh(2026, 3, 1, 9, 0), total="59.45", currency="USD")
    bob = as_user(db.session.scalar(select(User).where(User.username == "bob")))
    request_refund("U1", RefundRequest(Decimal("12.50"), "quality"), bob, test_team_report.sh(2026, 3, 5, 9, 0))
    client, _ = _client(app, login, "boss", role="supervisor")
    page = client.get("/reports/team?period=week&day=2026-03-04", headers=EN).get_data(as_text=True)
    yuan, dollars = '<span data-currency="CNY" translate="no">CN¥70.00</span>', '<span data-currency="USD" translate="no">$12.50</span>'
    assert f"{yuan}<br>{dollars}" in page  # the team row
    assert f"({yuan} · {dollars})" in page  # refunds requested
    text = client.get("/reports/team/export?period=week&day=2026-03-04&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert text.rstrip("\r\n").split("\r\n")[0].endswith(",refunds_handled,refund_amount_CNY,refund_amount_USD")
    assert [(r["agent"], r["refunds_handled"], r["refund_amount_CNY"], r["refund_amount_USD"]) for r in rows] == [
        ("amy", "1", "50.00", "0.00"), ("bob", "2", "20.00", "12.50"), ("sue", "1", "50.00", "0.00"), ("", "3", "70.00", "12.50")]


def test_a_days_log_shows_each_refund_in_its_currency(sqlite_app, login):
    client, amy = _client(sqlite_app, login, "amy")
    now = utcnow()
    make_order("U2", placed_at=now - timedelta(hours=1), total="59.45", currency="USD")
    request_refund("U2", RefundRequest(Decimal("12.50"), "quality"), as_user(amy), now)
    for headers, dollars in ((EN, "$12.50"), ({"Accept-Language": "zh-CN"}, "US$12.50")):
        page = client.get("/worklog/", headers=headers).get_data(as_text=True)
        assert f'data-test="refund-amount"><span data-currency="USD" translate="no">{dollars}</span></dd>' in page
        assert f"<span translate=\"no\">{dollars}</span></span>" in page  # the refund's badge


def test_a_bad_period_or_date_is_explained(sqlite_app, login):
    client, _ = _client(sqlite_app, login, "boss", role="supervisor")
    for query in ("period=year&day=2026-03-04", "period=week&day=2026-02-30", "period=month&day=yesterday"):
        answer = client.get(f"/reports/team?{query}", headers=EN)
        assert answer.status_code == 422 and 'data-test="period-error"' in answer.get_data(as_text=True), query
        assert client.get(f"/reports/team/export?{query}").status_code == 422
    assert client.get("/reports/team/export?period=week&format=xlsx").status_code == 422
