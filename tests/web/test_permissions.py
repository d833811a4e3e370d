"""Every route of the app with what it needs: a permission of the one policy (shopcs/auth/policy.py), a login only,
the platform's API token, or nothing. A new route missing from ROUTES fails here, so each one is decided on purpose.

The table is compared with what the views' decorators record (`permission_required` sets `view.permission`), and the
gates are tried for real: anonymous visitors, and a person of every role."""
import pytest

from shopcs.auth.policy import allows
from shopcs.auth.rules import ROLES

from ..builders import client_as

PUBLIC = "public"  # no login, no token: the login page, health, static files, signed webhooks, the unsubscribe link
LOGIN = "login"  # any logged-in person; the service decides what they see
TOKEN = "token"  # the platform's API token (Authorization: Bearer)
CONVERSATION = "conversation"  # a storefront widget buyer's signed conversation token (Authorization: Bearer)

ROUTES = {
    "GET /": "orders.view",
    "GET,POST /account/password": LOGIN,
    "GET /accounts": "accounts.manage",
    "GET,POST /accounts/<dbid:user_id>": "accounts.manage",
    "GET,POST /accounts/<dbid:user_id>/deactivate": "accounts.manage",
    "GET,POST /accounts/<dbid:user_id>/password": "accounts.manage",
    "GET,POST /accounts/<dbid:user_id>/reactivate": "accounts.manage",
    "GET,POST /accounts/new": "accounts.manage",
    "GET /admin/jobs": "jobs.view",
    "GET /api-docs": "api_docs.view",
    "POST /api/v1/cases": TOKEN,
    "GET /api/v1/cases/<int:case_id>": TOKEN,
    "GET /api/v1/cases": TOKEN,
    "POST /api/v1/cases/<int:case_id>/replies": TOKEN,
    "GET /api/v1/cases/<int:case_id>/suggestions": TOKEN,
    "POST /api/v1/messages": TOKEN,
    "POST /api/v1/assistant/classify": TOKEN,
    "POST /api/v1/customers/<external_id>/opt-out": TOKEN,
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/orders": TOKEN,
    "GET /api/v1/orders/<order_no>": TOKEN,
    "PUT /api/v1/orders/<order_no>": TOKEN,
    "POST /api/v1/orders/<order_no>/refunds": TOKEN,
    "POST /api/v1/orders/<order_no>/shipments": TOKEN,
    "GET /api/v1/outbox": TOKEN,
    "POST /api/v1/refunds/<int:refund_id>/approve": TOKEN,
    "POST /api/v1/refunds/<int:refund_id>/complete": TOKEN,
    "POST /api/v1/refunds/<int:refund_id>/reject": TOKEN,
    "GET /api/v1/reports/concerns": TOKEN,
    "GET /api/v1/reports/assistant": TOKEN,
    "GET /api/v1/reports/refund-rate": TOKEN,
    "GET /api/v1/reports/repurchase": TOKEN,
    "GET /api/v1/reports/unpaid-recovery": TOKEN,
    "GET /audit": "audit.view",
    "GET,POST /carriers/exclusions": "carriers.manage",
    "GET /cases/": "cases.work",
    "GET /cases/<dbid:case_id>": "cases.work",
    "GET /cases/<dbid:case_id>/events": "cases.work",
    "GET /cases/live": "cases.work",
    "POST /cases/<dbid:case_id>/acknowledge": "cases.acknowledge",
    "POST /cases/<dbid:case_id>/claim": "claims.work",
    "POST /cases/<dbid:case_id>/claim/decision": "claims.decide",
    "POST /cases/<dbid:case_id>/claim/photos": "claims.work",
    "GET /cases/<dbid:case_id>/claim/photos/<dbid:evidence_id>": "cases.work",
    "POST /cases/<dbid:case_id>/notes": "cases.work",
    "POST /cases/<dbid:case_id>/replies/<dbid:event_id>/given": "cases.work",
    "POST /cases/<dbid:case_id>/reply": "cases.work",
    "POST /cases/<dbid:case_id>/severity": "cases.work",
    "POST /cases/<dbid:case_id>/status": "cases.work",
    "POST /cases/<dbid:case_id>/take": "cases.work",
    "GET /cases/<dbid:case_id>/templates": LOGIN,
    "POST /cases/<dbid:case_id>/transfer": "cases.work",
    "GET /cases/breaches": "complaints.review",
    "GET /cases/breaches/export": "complaints.review",
    "GET,POST /cases/new": "cases.work",
    "GET /cases/settings": "cases.settings",
    "POST /cases/settings": "cases.settings",
    "POST /cases/settings/promise-words": "cases.settings",
    "POST /cases/settings/assignment": "cases.settings",
    "POST /cases/settings/assistant": "cases.settings",
    "POST /cases/availability": "cases.available",
    "GET /complaints/": "complaints.review",
    "GET /complaints/export": "complaints.review",
    "GET /customers/<external_id>": "customers.view",
    "POST /customers/<external_id>/opt-out": "customers.opt_out",
    "GET,POST /customers/<external_id>/erase": "customers.erase",
    "GET /favicon.ico": PUBLIC,
    "GET /followup": "followup.work",
    "POST /followup/messages/<dbid:message_id>/retry": "followup.work",
    "POST /followup/messages/<dbid:message_id>/sent": "followup.work",
    "POST /followup/promotions": "followup.settings",
    "POST /followup/promotions/<dbid:promotion_id>/delete": "followup.settings",
    "GET,POST /followup/settings": "followup.settings",
    "GET /followup/settings/preview": "followup.settings",
    "GET /followup/settings/preview/<locale>": "followup.settings",
    "GET /followup/settings/preview/<locale>/<kind>": "followup.settings",
    "GET /healthz": PUBLIC,
    "GET,POST /imports/orders": "orders.import",
    "GET /inbox/after-sales": "inbox.after_sales",
    "GET /inbox/shipping": "inbox.shipping",
    "POST /lang/<code>": PUBLIC,
    "GET,POST /login": PUBLIC,
    "POST /logout": LOGIN,
    "GET /metrics": TOKEN,
    "POST /notes/<dbid:note_id>/done": "notes.mark_done",
    "GET /orders/<order_no>": "orders.view",
    "GET,POST /orders/<order_no>/address": "orders.change_address",
    "POST /orders/<order_no>/concerns": "concerns.record",
    "POST /orders/<order_no>/confirm-address": "orders.change_address",
    "POST /orders/<order_no>/notes": "notes.write",
    "POST /orders/<order_no>/promised-ship-date": "orders.ship",
    "POST /orders/<order_no>/refunds": "refunds.decide",
    "POST /orders/<order_no>/reminders": "reminders.send",
    "GET,POST /orders/<order_no>/ship": "orders.ship",
    "POST /orders/<order_no>/shipments/<dbid:shipment_id>/clear-flag": "orders.ship",
    "GET /refunds": "refunds.list",
    "GET,POST /refunds/<dbid:refund_id>/approve": "refunds.decide",
    "POST /refunds/<dbid:refund_id>/complete": "refunds.decide",
    "GET,POST /refunds/<dbid:refund_id>/reject": "refunds.decide",
    "GET /reply-templates/": "reply_templates.use",
    "GET,POST /reply-templates/<dbid:template_id>/deactivate": "reply_templates.manage",
    "GET,POST /reply-templates/<dbid:template_id>/edit": "reply_templates.manage",
    "GET,POST /reply-templates/new": "reply_templates.manage",
    "GET /reports/": "reports.view",
    "GET,POST /reports/alerts": "alerts.manage",
    "POST /reports/alerts/<dbid:message_id>/done": "alerts.manage",
    "GET /reports/concerns": "reports.view",
    "GET /reports/assistant": "reports.view",
    "GET /reports/assistant/export": "reports.view",
    "GET /reports/concerns/export": "reports.view",
    "GET /reports/concerns/orders": "reports.view",
    "GET /reports/refund-rate": "reports.view",
    "GET /reports/refund-rate/export": "reports.view",
    "GET /reports/refund-rate/orders": "reports.view",
    "GET /reports/repurchase": "reports.view",
    "GET /reports/repurchase/export": "reports.view",
    "GET /reports/team": "reports.view",
    "GET /reports/team/export": "reports.view",
    "GET /reports/unpaid-recovery": "reports.view",
    "GET /reports/unpaid-recovery/export": "reports.view",
    "GET /static/<path:filename>": PUBLIC,
    "GET,POST /unsubscribe/<token>": PUBLIC,
    "GET /webhook-deliveries": "webhooks.view_log",
    "GET /widget.js": PUBLIC,
    "POST /widget/v1/conversations": PUBLIC,
    "POST /widget/v1/identify": CONVERSATION,
    "GET /widget/v1/order-status": CONVERSATION,
    "GET /widget/v1/messages": CONVERSATION,
    "POST /widget/v1/messages": CONVERSATION,
    "POST /webhooks/shopify": PUBLIC,
    "POST /webhooks/woocommerce": PUBLIC,
    "GET /worklog/": "worklog.keep",
    "POST /worklog/notes": "worklog.keep",
    "POST /worklog/submit": "worklog.keep",
}


def _routes(app):
    """{"GET,POST /path": rule} for every rule of the URL map."""
    return {",".join(sorted(rule.methods - {"HEAD", "OPTIONS"})) + " " + rule.rule: rule for rule in app.url_map.iter_rules()}


def _request(client, app, rule):
    """One request to the rule with 1 for every argument (no such row: the gates come first), GET when it has one."""
    method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    url = app.url_map.bind("localhost").build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method=method)
    return client.open(url, method=method)


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_every_route_is_listed_with_the_permission_its_view_records(sqlite_app):
    recorded = {key: getattr(sqlite_app.view_functions[rule.endpoint], "permission", None)
                for key, rule in _routes(sqlite_app).items()}
    listed = {key: None if need in (PUBLIC, LOGIN, TOKEN, CONVERSATION) else need for key, need in ROUTES.items()}
    assert recorded == listed


def test_anonymous_visitors_meet_the_gate_each_route_is_listed_with(sqlite_app):
    client, wrong = sqlite_app.test_client(), {}
    for key, rule in _routes(sqlite_app).items():
        response = _request(client, sqlite_app, rule)
        need = ROUTES[key]
        met = {TOKEN: response.status_code == 401, CONVERSATION: response.status_code == 401, PUBLIC: not _sent_to_login(response)
               and response.status_code not in (401, 403)}.get(need, _sent_to_login(response))
        if not met:
            wrong[key] = (need, response.status_code)
    assert wrong == {}


@pytest.mark.parametrize("role", ROLES)
def test_a_person_is_refused_exactly_the_routes_their_role_has_no_permission_for(sqlite_app, login, role):
    client, wrong = client_as(sqlite_app, login, role), {}
    for key, rule in _routes(sqlite_app).items():
        need = ROUTES[key]
        if need in (PUBLIC, LOGIN, TOKEN, CONVERSATION):
            continue
        refused = _request(client, sqlite_app, rule).status_code == 403
        if refused == allows(role, need):
            wrong[key] = (need, "refused" if refused else "let in")
    assert wrong == {}
