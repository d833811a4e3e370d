"""GET /metrics (the API token, the Prometheus text format), the request id header, and /admin/jobs (admins)."""
import re
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from shopcs.auth import policy
from shopcs.followup.job_runs import record_run
from shopcs.ops.logs import TextFormatter
from shopcs.timeutil import utcnow

from ..builders import client_as, make_token

JOBS_PAGE = "/admin/jobs"


def _scrape(client, token):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def _sample(text: str, name: str, **labels) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_metrics_need_an_api_token(app):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer scs_not-a-token"}, {"Authorization": "Basic eDp5"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_a_token_the_policy_does_not_let_read_metrics_is_refused(app, monkeypatch):
    token = make_token()
    monkeypatch.setattr(policy, "PLATFORM_ACTIONS", policy.PLATFORM_ACTIONS - {"metrics.read"})
    response = _scrape(app.test_client(), token)
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_a_person_logged_in_is_not_a_scraper(sqlite_app, login):
    assert client_as(sqlite_app, login, "admin").get("/metrics").status_code == 401


def test_metrics_are_the_prometheus_text_format_with_the_requests_counted(app):
    client, token = app.test_client(), make_token()
    before = _sample(_scrape(client, token).get_data(as_text=True), "shopcs_http_requests_total",
                     endpoint="web.healthz", method="GET", status="200")
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    response = _scrape(client, token)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert _sample(text, "shopcs_http_requests_total", endpoint="web.healthz", method="GET", status="200") == before + 3
    assert _sample(text, "shopcs_http_requests_total", endpoint="unmatched", method="GET", status="404") >= 1
    assert _sample(text, "shopcs_http_request_duration_seconds_count", endpoint="web.healthz", method="GET") >= 3
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {"shopcs_outbox_messages", "shopcs_outbox_oldest_pending_seconds", "shopcs_cases_breached",
            "shopcs_webhook_deliveries", "shopcs_job_failures", "shopcs_job_last_run_timestamp_seconds",
            "shopcs_job_last_duration_seconds", "shopcs_http_requests", "shopcs_http_request_duration_seconds"} <= names
    assert "_created" not in text


def test_every_response_carries_a_request_id_a_sane_one_sent_is_kept(sqlite_app):
    client = sqlite_app.test_client()
    made = [client.get("/healthz").headers["X-Request-ID"] for _ in range(2)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in made) and made[0] != made[1]
    assert client.get("/healthz", headers={"X-Request-ID": "edge-7f3a"}).headers["X-Request-ID"] == "edge-7f3a"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert client.get("/login").headers["X-Request-ID"]  # pages too, and refusals
    assert client.get("/api/v1/orders").headers["X-Request-ID"]


def test_a_log_line_written_during_a_request_names_its_id(sqlite_app, caplog):
    @sqlite_app.route("/test-log-line")
    def log_line():
        sqlite_app.logger.warning("inside")
        return "ok"

    sqlite_app.test_client().get("/test-log-line", headers={"X-Request-ID": "trace-42"})
    record = next(r for r in caplog.records if r.getMessage() == "inside")
    assert record.request_id == "trace-42"  # put on by the app's log handler as the line was written
    assert " WARNING shopcs [trace-42] inside" in TextFormatter().format(record)


def test_the_jobs_page_is_for_admins_only(sqlite_app, login):
    assert client_as(sqlite_app, login, "agent").get(JOBS_PAGE).status_code == 403
    assert client_as(sqlite_app, login, "supervisor").get(JOBS_PAGE).status_code == 403
    assert sqlite_app.test_client().get(JOBS_PAGE).status_code == 302  # to the login page


def test_the_jobs_page_says_when_the_scheduler_has_never_run(sqlite_app, login):
    html = client_as(sqlite_app, login, "admin").get(JOBS_PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-test="jobs-empty"' in html and "flask --app app followup scheduler" in html
    assert 'data-test="job-row"' not in html


def test_the_jobs_page_shows_each_job_its_last_run_failures_and_which_are_late(app, login):
    now = utcnow()
    record_run("outbox_sender", now - timedelta(seconds=20), now - timedelta(seconds=19, milliseconds=500), None)
    record_run("unpaid_sweep", now - timedelta(minutes=10), now - timedelta(minutes=10) + timedelta(seconds=2),
               "RuntimeError: database away")
    record_run("retired_job", now - timedelta(days=30), now - timedelta(days=30), None)
    html = client_as(app, login, "admin").get(JOBS_PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    rows = dict(re.findall(r'data-job="([a-z_]+)" data-late="(yes|no)"', html))
    assert rows["outbox_sender"] == "no" and rows["unpaid_sweep"] == "yes"  # 10 minutes > 3 × 60 s
    assert rows["retired_job"] == "no" and "Not scheduled" in html  # recorded, no longer in the table
    assert rows["greeting_sweep"] == "no" and "Not run yet" in html
    assert "RuntimeError: database away" in html and "500 ms" in html and "2.0 s" in html
    assert "every 15 seconds" in html and "Unpaid-order reminders" in html
