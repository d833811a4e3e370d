"""Who may do what: the one table of actions and the roles allowed each. Pages (auth.access.permission_required,
the templates' may()), the top bar and the services all ask it. Pure: no Flask, no database.

Admins may do everything, so "admin" is never listed. The shop's platform (API token, webhooks, jobs:
Actor.is_platform, no role) may do only the actions in PLATFORM_ACTIONS.
"""
from .rules import ADMIN

_WORKING = ("agent", "after_sales", "shipping", "supervisor")  # who works on customer cases and keeps a work log

PERMISSIONS: dict[str, tuple[str, ...]] = {
    # orders
    "orders.view": ("agent", "after_sales", "shipping", "supervisor", "operator"),  # the queue and an order's page
    "orders.import": ("agent", "supervisor"),
    "orders.change_address": ("agent", "supervisor"),  # confirm or edit a delivery address
    "orders.ship": ("shipping", "agent", "supervisor"),  # shipments, promised ship dates, shipment flags
    "carriers.manage": ("supervisor",),
    "refunds.decide": ("agent", "after_sales", "supervisor"),  # open, approve, reject, complete; shipping only looks
    "refunds.approve_above_limit": ("supervisor",),  # a person's approvals on one order above the approval limit
    "refunds.list": ("after_sales", "supervisor"),
    "notes.write": ("agent", "after_sales", "shipping", "supervisor"),
    "notes.mark_done": ("after_sales", "shipping", "supervisor"),  # someone of an inbox below; the note's inbox decides
    "inbox.after_sales": ("after_sales", "supervisor"),  # open the inbox and mark its notes done
    "inbox.shipping": ("shipping", "supervisor"),
    # customer cases
    "cases.work": _WORKING,  # open, read, answer, transfer cases; their photos
    "cases.acknowledge": ("supervisor",),  # acknowledge an escalation
    "cases.pick_team": ("supervisor",),
    "cases.take_over": ("supervisor",),  # take a case another person owns (anyone who works cases takes an unowned one)
    # switch oneself available for automatic assignment: the roles listed here are the ones assigned (cases.owners)
    "cases.available": ("agent",),  # the queue's "My team" tab for any team
    "cases.settings": ("supervisor",),
    "claims.work": ("agent", "after_sales", "supervisor"),  # open a claim and add photos; not shipping
    "claims.decide": ("after_sales", "supervisor"),  # a decision pays money: not a first-line agent's call
    "reply_templates.use": _WORKING,
    "reply_templates.manage": ("supervisor",),
    "complaints.review": ("supervisor", "operator"),  # read only: nothing on these pages writes
    "worklog.keep": _WORKING,  # one's own work log
    "worklog.read_others": ("supervisor",),
    # follow-up
    "followup.work": ("agent", "after_sales", "supervisor"),
    "followup.settings": ("supervisor",),  # settings, templates' preview, promotions
    "customers.view": ("agent", "after_sales", "supervisor", "operator"),
    "customers.opt_out": ("agent", "after_sales", "supervisor"),
    "customers.erase": (),  # a buyer's personal data, for good (shopcs.privacy): admins only
    "concerns.record": ("agent", "after_sales", "supervisor"),
    "reminders.send": ("agent", "supervisor"),
    # reports and the shop's administration
    "reports.view": ("operator", "supervisor"),  # reports, the dashboard, the team report
    "alerts.manage": ("operator", "supervisor"),
    "audit.view": ("supervisor", "operator"),
    "webhooks.view_log": ("supervisor", "operator"),
    "api_docs.view": ("supervisor", "operator"),
    "accounts.manage": (),
    "jobs.view": (),  # the scheduler jobs page
    "metrics.read": (),  # GET /metrics: for the monitoring's API token (a platform action), no person's page
}

PLATFORM_ACTIONS = frozenset({"cases.work", "claims.work", "refunds.decide", "orders.change_address", "orders.ship",
                              "metrics.read"})


def check_action(action: str) -> str:
    """The action itself, or a KeyError naming it: a misspelt action must fail at once, never deny (or allow) quietly."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown permission {action!r}; add it to shopcs.auth.policy.PERMISSIONS")
    return action


def allows(role: str | None, action: str, *, is_platform: bool = False) -> bool:
    check_action(action)
    if is_platform:
        return action in PLATFORM_ACTIONS
    return role == ADMIN or role in PERMISSIONS[action]


def actor_allows(actor, action: str) -> bool:
    """For services: `actor` is a shopcs.actor.Actor (a person's role, or the platform)."""
    return allows(actor.role, action, is_platform=actor.is_platform)


def roles_allowed(action: str) -> tuple[str, ...]:
    """Every role that may, admin included: for queries over people (who can a case be handed to)."""
    return (*PERMISSIONS[check_action(action)], ADMIN)
