"""Every page of the UI, found from the app's routes: the GET routes that render HTML for a person, with their ids
filled from the demo data (`flask demo seed`, every role, orders, refunds and cases, plus a reply template).

Shared by the browser test that opens every page (tests/browser/test_every_page.py) and the web test that every
page is linked from the UI (tests/web/test_every_page_is_linked.py).
"""
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.auth.models import User
from shopcs.cases.models import Case
from shopcs.cases.replies.models import ReplyTemplate
from shopcs.cases.replies.templates import create_template
from shopcs.demo import DEMO_PASSWORD, DEMO_USERS
from shopcs.extensions import db
from shopcs.orders.models import Order, Refund
from shopcs.timeutil import utcnow

ROLES = ("agent", "after_sales", "shipping", "supervisor", "operator", "admin")
LOGINS = {role: username for username, role, _display in reversed(DEMO_USERS)}  # the first demo user of each role
PASSWORD = DEMO_PASSWORD

# GET routes that are not pages a person opens: machine endpoints, files, and pages reached from outside the UI
NOT_PAGES = {
    "static", "web.healthz", "web.favicon", "auth.login", "openapi.openapi_json",
    "cases.claim_photo",          # an uploaded photo, shown inside the case page
    "reply_templates.for_case",   # the reply box's template list (JSON for static/template_picker.js)
    "followup.preview",           # the settings page's live preview (JSON)
    "optout.unsubscribe",         # the buyer's link in a greeting, signed for one customer
    "ops.metrics",                # Prometheus's scrape, with an API token
}


@dataclass(frozen=True)
class Page:
    endpoint: str
    url: str

    @property
    def name(self) -> str:
        """For screenshot file names: the endpoint, and the last part of the path when it is not an id."""
        last = self.url.rstrip("/").rsplit("/", 1)[-1]
        suffix = f"-{last}" if last and not last.isdigit() and "?" not in last else ""
        return (self.endpoint + suffix).replace(".", "-").replace("_", "-")


def seed_demo(app) -> dict:
    """The demo data once per database, and the ids that fill the routes' arguments."""
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--orders", "80"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        now, admin = utcnow(), Actor("user:admin", "admin")
        if not db.session.scalar(select(ReplyTemplate.id).limit(1)):
            create_template({"key": "thanks", "category": "tracking", "language": "zh_CN", "title": "感谢耐心等待",
                             "body": "您好，您的订单 {order_no} 已在处理中，感谢耐心等待。"}, admin, now)
        refund = db.session.scalars(select(Refund).order_by(Refund.status != "requested", Refund.id)).first()
        order = db.session.get(Order, refund.order_id)  # its page leads to the refund's pages
        case = db.session.scalars(select(Case).where(Case.order_id.is_not(None)).order_by(Case.id)).first()
        samples = {"order_no": order.order_no, "case_id": case.id, "external_id": order.customer.external_id,
                   "refund_id": refund.id, "template_id": db.session.scalar(select(ReplyTemplate.id).limit(1)),
                   "user_id": db.session.scalar(select(User.id).where(User.username == LOGINS["agent"]))}
        db.session.remove()
    return samples


def pages(app, samples: dict) -> tuple[list[Page], list[str]]:
    """(every page, the page routes whose arguments have no sample: add one to seed_demo)."""
    found, unfilled = [], []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.rule.startswith(("/api/", "/webhooks/")):
                continue
            fixed = rule.defaults or {}  # one view behind several rules: each rule's own defaults pick it
            if not rule.arguments - fixed.keys() <= samples.keys():
                unfilled.append(rule.rule)
                continue
            values = {name: samples[name] for name in rule.arguments - fixed.keys()} | fixed
            found.append(Page(rule.endpoint, url_for(rule.endpoint, **values)))
    return found, unfilled
