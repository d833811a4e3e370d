"""The top bar's menus: every page a person opens from the UI, grouped so the bar fits one row.

Who sees a link is the page's own rule, never a second list here: `permission_required` leaves `permission` on the
view, asked of the one policy (auth/policy.py); a page with only `login_required` is everyone's. The web test
(tests/web/test_every_page_is_linked.py) checks that every page a role may open is linked from the bar or from a
page it leads to.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..auth.policy import allows


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str
    key: str  # data-test="nav-<key>"


@dataclass(frozen=True)
class Menu:
    key: str
    label: str
    links: tuple[Link, ...]


MENUS = (
    Menu("orders", _l("Orders"), (
        Link("orders.queue", _l("Order queue"), "queue"),
        Link("refunds.index", _l("Refunds"), "refunds"),
        Link("notes.inbox_after_sales", _l("After-sales inbox"), "inbox-after-sales"),
        Link("notes.inbox_shipping", _l("Shipping inbox"), "inbox-shipping"),
        Link("imports.orders", _l("Import orders from CSV"), "imports"),
    )),
    Menu("cases", _l("Cases"), (
        Link("cases.queue", _l("Customer cases"), "cases"),
        Link("cases.new_case", _l("New case"), "new-case"),
        Link("reply_templates.index", _l("Reply templates"), "reply-templates"),
        Link("complaints.review", _l("Complaints review"), "complaints-review"),
        Link("complaints.breaches", _l("Missed response targets"), "breaches"),
    )),
    Menu("followup", _l("Follow-up"), (
        Link("followup.index", _l("Follow-up"), "followup"),
    )),
    Menu("reports", _l("Reports"), (
        Link("dashboard.dashboard", _l("Dashboard"), "reports"),
        Link("reports.refund_rate_page", _l("Refund rate"), "refund-rate"),
        Link("reports.unpaid_recovery_page", _l("Unpaid-order recovery"), "unpaid-recovery"),
        Link("reports.repurchase_page", _l("Repurchase"), "repurchase"),
        Link("reports.concerns_page", _l("Buyers' concerns"), "concerns"),
        Link("worklog.team_page", _l("Team report"), "team"),
        Link("worklog.log_page", _l("Work log"), "worklog"),
    )),
    Menu("settings", _l("Settings"), (
        Link("case_settings.settings_page", _l("Case settings"), "case-settings"),
        Link("followup.settings_page", _l("Follow-up settings"), "followup-settings"),
        Link("dashboard.alert_settings", _l("Alert settings"), "alert-settings"),
        Link("orders.carrier_exclusions", _l("Carrier coverage"), "carriers"),
        Link("audit.index", _l("Audit log"), "audit"),
        Link("webhook_log.index", _l("Webhook deliveries"), "webhooks"),
        Link("api_docs.api_docs", _l("API"), "api"),
        Link("accounts.index", _l("Accounts"), "accounts"),
        Link("ops.jobs", _l("Scheduler jobs"), "jobs"),
    )),
)

_MENU_OF = {link.endpoint: menu.key for menu in MENUS for link in menu.links}
# pages reached from a menu's pages belong to that menu (the bar shows where one is)
_MENU_OF_BLUEPRINT = {"orders": "orders", "refunds": "orders", "notes": "orders", "imports": "orders", "cases": "cases",
                      "reply_templates": "cases", "complaints": "cases", "followup": "followup", "dashboard": "reports",
                      "reports": "reports", "worklog": "reports", "case_settings": "settings", "audit": "settings",
                      "webhook_log": "settings", "api_docs": "settings", "accounts": "settings",
                      "ops": "settings"}


def may_see(link: Link, role: str, view_functions) -> bool:
    action = getattr(view_functions[link.endpoint], "permission", None)
    return action is None or allows(role, action)


def menus_for(role: str, view_functions) -> list[Menu]:
    """The role's menus with the links it may open; menus left empty go."""
    shown = [Menu(menu.key, menu.label, tuple(link for link in menu.links if may_see(link, role, view_functions)))
             for menu in MENUS]
    return [menu for menu in shown if menu.links]


def section_of(endpoint: str | None) -> str:
    """The menu a page belongs to (a small set: it is part of the top bar's cache key)."""
    if not endpoint:
        return ""
    return _MENU_OF.get(endpoint) or _MENU_OF_BLUEPRINT.get(endpoint.partition(".")[0], "")
