"""The operators' dashboard and the alert settings page, through the Flask client."""
import json
import re
from datetime import datetime, timedelta, timezone

from flask import g
from sqlalchemy import select

from shopcs.extensions import db
from shopcs.followup.jobs import send_refund_rate_alerts
from shopcs.notify.models import OutboxMessage
from shopcs.reports.alerts import load_alert_settings
from shopcs.timeutil import local_date, utcnow

from ..builders import make_customer, make_order, make_user
from ..conftest import csrf_token_from
from ..integration.test_refund_rate_report import refund


def _client(app, login, role):
    g.pop("_login_user", None)
    user = make_user(f"{role.replace('_', '-')}-dash", role=role)
    client = app.test_client()
    login(client, user.username)
    return client


def _recent_refunds(paid=20, refunded=3):
    """Orders paid over the last days before yesterday, `refunded` of them refunded the day before yesterday."""
    now = utcnow()
    orders = [make_order(paid_at=now - timedelta(days=2 + n % 10), placed_at=now - timedelta(days=2 + n % 10, minutes=5),
                         commit=False) for n in range(paid)]
    db.session.flush()
    for order in orders[:refunded]:
        refund(order, "10.00", at=now - timedelta(days=2))
    db.session.commit()


def test_only_report_roles_see_the_dashboard_and_the_nav_leads_there(sqlite_app, login):
    for role in ("operator", "supervisor", "admin"):
        client = _client(sqlite_app, login, role)
        assert client.get("/reports/").status_code == 200 and client.get("/reports/alerts").status_code == 200
        assert 'href="/reports/" data-test="nav-reports"' in client.get("/").get_data(as_text=True)
    for role in ("agent", "after_sales", "shipping"):
        client = _client(sqlite_app, login, role)
        assert client.get("/reports/").status_code == 403 and client.get("/reports/alerts").status_code == 403
        assert client.post("/reports/alerts", data={"threshold_percent": "1"}).status_code == 403


def test_the_dashboard_compares_with_the_period_before_and_shows_the_alert(sqlite_app, login):
    _recent_refunds()
    page = _client(sqlite_app, login, "operator").get("/reports/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-test="headline-refund-rate">15.00%' in page  # 3 of 20
    assert 'data-rule="threshold"' in page and 'data-test="no-earlier-data"' in page  # nothing paid in the 30 days before
    assert "Before: —" not in page and "Before: 0.00%" not in page
    assert page.count('data-test="trend-row"') == 30 and 'id="dashboard-chart-data"' in page


# A window of ten shop days and the ten before it, at noon in Shanghai.
RANGE = "?start=2026-02-11&end=2026-02-20"
NOW_DAY, BEFORE_DAY, EARLIER_DAY = datetime(2026, 2, 15, 4, tzinfo=timezone.utc), datetime(2026, 2, 5, 4, tzinfo=timezone.utc), \
    datetime(2026, 1, 5, 4, tzinfo=timezone.utc)


def _paid(at, customer=None, refunded=False, late=False):
    """An order paid at `at` (placed two hours earlier when `late`, so it counts as recovered), maybe refunded."""
    order = make_order(placed_at=at - (timedelta(hours=2) if late else timedelta(minutes=1)), paid_at=at, customer=customer,
                       commit=False)
    db.session.flush()
    if refunded:
        refund(order, "10.00", at=at + timedelta(hours=1))
    return order


def _verdicts(page: str) -> dict:
    """Each headline's change: {"headline-refund": "bad", …}."""
    found = {}
    for card in re.findall(r'data-test="(headline-[a-z]+)".*?</section>', page, re.S):
        section = page.split(f'data-test="{card}"', 1)[1].split("</section>", 1)[0]
        verdict = re.search(r'data-verdict="([a-z]+)"', section)
        found[card] = verdict.group(1) if verdict else None
    return found


def test_a_change_is_coloured_by_what_it_means_refund_rate_up_is_bad_recovery_and_repurchase_up_are_good(sqlite_app, login):
    earlier = make_customer()
    _paid(EARLIER_DAY, customer=earlier)  # history before the period before: repurchase can be compared
    for n in range(10):  # before: 1 refund of 10 paid, 1 recovered of 5 late ones, no returning customer
        _paid(BEFORE_DAY, refunded=n == 0, late=n == 1)
    for _n in range(4):
        make_order(status="unpaid", placed_at=BEFORE_DAY - timedelta(hours=2), commit=False)
    for n in range(10):  # now: 3 refunds of 10, 2 of 2 late ones recovered, the earlier customer back
        _paid(NOW_DAY, refunded=n < 3, late=n < 2, customer=earlier if n == 9 else None)
    db.session.commit()
    page = _client(sqlite_app, login, "operator").get("/reports/" + RANGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _verdicts(page) == {"headline-refund": "bad", "headline-recovery": "good", "headline-repurchase": "good"}
    assert 'class="change up bad"' in page and 'class="change up good"' in page and 'title="Worse than before"' in page


def test_a_refund_rate_going_down_is_good_news(sqlite_app, login):
    for n in range(10):
        _paid(BEFORE_DAY, refunded=n < 4)
        _paid(NOW_DAY, refunded=n < 1)
    db.session.commit()
    page = _client(sqlite_app, login, "operator").get("/reports/" + RANGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _verdicts(page)["headline-refund"] == "good" and 'class="change down good"' in page


def test_with_nothing_before_each_headline_says_there_is_no_earlier_data_in_both_languages(sqlite_app, login):
    for n in range(5):
        _paid(NOW_DAY, refunded=n == 0, late=n == 1)
    _paid(BEFORE_DAY)  # the period before has a customer, but nothing was paid before it: no one could be returning
    db.session.commit()
    client = _client(sqlite_app, login, "operator")
    english = client.get("/reports/" + RANGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    repurchase = english.split('data-test="headline-repurchase"', 1)[1].split("</section>", 1)[0]
    assert 'data-test="no-earlier-data">No earlier data to compare with' in repurchase and "Before:" not in repurchase
    recovery = english.split('data-test="headline-recovery"', 1)[1].split("</section>", 1)[0]
    assert 'data-test="no-earlier-data"' in recovery  # no late order before: nothing to divide by
    refund_card = english.split('data-test="headline-refund"', 1)[1].split("</section>", 1)[0]
    assert "Before: 0.00%" in refund_card  # one order was paid before, none refunded: a real 0
    chinese = client.get("/reports/" + RANGE, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert chinese.count("无对比数据") == 2 and "上一期：0.00%（" in chinese  # the refund rate alone had something before


def test_the_chart_carries_the_alert_threshold(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    client.post("/reports/alerts", data={"threshold_percent": "3.5", "spike_factor": "2", "spike_min_orders": "50",
                                         "channel": "", "email": ""})
    for path, block in (("/reports/", "dashboard-chart-data"), ("/reports/refund-rate", "refund-rate-chart-data")):
        page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        data = json.loads(page.split(f'id="{block}">', 1)[1].split("</script>", 1)[0])
        assert data["threshold"] == 3.5 and data["text"]["threshold"] == "Alert threshold (3.50%)"


def test_an_empty_shop_shows_dashes_and_no_alert(sqlite_app, login):
    page = _client(sqlite_app, login, "operator").get("/reports/").get_data(as_text=True)
    assert 'data-test="headline-refund-rate">—' in page and 'data-test="no-alert"' in page


def test_a_bad_range_is_a_422_that_still_shows_the_alerts(sqlite_app, login):
    response = _client(sqlite_app, login, "operator").get("/reports/?start=2026-03-10&end=2026-03-01")
    assert response.status_code == 422 and 'data-test="range-error"' in response.get_data(as_text=True)
    assert 'data-test="alerts"' in response.get_data(as_text=True)


def test_settings_are_saved_and_bad_ones_are_refused_with_the_field_named(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    ok = client.post("/reports/alerts", data={"threshold_percent": "3.5", "spike_factor": "2", "spike_min_orders": "50",
                                               "channel": "", "email": ""})
    assert ok.status_code == 302 and str(load_alert_settings().threshold) == "0.0350"
    bad = client.post("/reports/alerts", data={"threshold_percent": "3", "spike_factor": "2", "spike_min_orders": "50",
                                                "channel": "email", "email": ""})
    assert bad.status_code == 422 and 'data-test="error-email"' in bad.get_data(as_text=True)
    assert str(load_alert_settings().threshold) == "0.0350"  # nothing of the bad form was written


def test_an_operator_marks_an_alert_kept_on_the_dashboard_as_read(sqlite_app, login):
    _recent_refunds()
    send_refund_rate_alerts(utcnow())
    client = _client(sqlite_app, login, "operator")
    page = client.get("/reports/").get_data(as_text=True)
    assert page.count('data-test="alert-done"') == 1
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
    response = client.post(f"/reports/alerts/{message.id}/done", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    assert 'data-test="alert-done"' not in client.get("/reports/").get_data(as_text=True)
    assert local_date(message.created_at, "Asia/Shanghai") == local_date(utcnow(), "Asia/Shanghai")


def test_recovery_and_repurchase_headlines_follow_their_definitions(sqlite_app, login):
    from ..builders import make_customer

    now = utcnow()
    regular, newcomer = make_customer(external_id="regular"), make_customer(external_id="newcomer")
    make_order(customer=regular, placed_at=now - timedelta(days=40), paid_at=now - timedelta(days=40))  # before the range
    make_order(customer=regular, placed_at=now - timedelta(days=3), paid_at=now - timedelta(days=3))  # paid at once
    make_order(customer=newcomer, placed_at=now - timedelta(days=3), paid_at=now - timedelta(days=3, hours=-2))  # paid late
    make_order(customer=newcomer, status="unpaid", placed_at=now - timedelta(days=3), paid_at=None)  # never paid
    page = _client(sqlite_app, login, "operator").get("/reports/").get_data(as_text=True)
    assert 'data-test="headline-recovery-rate">50.00%' in page  # cohort: the late one and the unpaid one
    assert 'data-test="headline-returning-rate">50.00%' in page  # regular of regular and newcomer
