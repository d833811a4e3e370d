"""Report rows as the API and the JSON/CSV exports give them: rates as 4-place strings (or null), seconds as whole
numbers (or null), money per currency as [{"currency": "CNY", "amount": "1234.50"}, {"currency": "USD", "amount":
"59.45"}] (amounts.Amounts: the shop's currency first, each amount with its currency's decimals) — and the refund
amount rate, money over money, likewise per currency: [{"currency": "CNY", "rate": "0.1429"}]. The CSV gives each
amount column once per currency (exports.csv_text)."""
from flask_babel import lazy_gettext as _l

from ..apischema.shapes import out_int, out_money, out_obj, out_rate, out_text
from .amounts import rates_json
from .assistant import AccuracyRow, AssistantReport
from .concerns import CategoryRow, ConcernsReport
from .refund_rate import BREAKDOWNS, AgentRow, DayRow, ProductRow, ReasonRow
from .repurchase import OrdersRow, RepurchaseReport
from .unpaid_recovery import RecoveryReport, StepRow

COLUMNS = {
    "day": ("date", "paid_orders", "refunded_orders", "rate", "rolling_30d_rate"),
    "product": ("sku", "title", "paid_orders", "refunded_orders", "rate", "paid_amount", "refunded_amount"),
    "reason": ("reason", "refunded_orders", "refunded_amount"),
    "agent": ("agent", "refunded_orders", "refunded_amount"),
    "step": ("step", "orders", "recovered", "rate", "recovered_amount"),
    "orders_paid": ("orders_paid", "customers", "returning"),
    "category": ("category", "concerns", "orders", "paid_since", "rate"),
    "kept_category": ("category", "cases", "right", "rate"),
}


def rate_str(value) -> str | None:
    return None if value is None else str(value)


def _refund_row_json(row) -> dict:
    if isinstance(row, DayRow):
        return {"date": row.day.isoformat(), "paid_orders": row.paid_orders, "refunded_orders": row.refunded_orders,
                "rate": rate_str(row.rate), "rolling_30d_rate": rate_str(row.rolling_30d_rate)}
    if isinstance(row, ProductRow):
        return {"sku": row.sku, "title": row.title, "paid_orders": row.paid_orders, "refunded_orders": row.refunded_orders,
                "rate": rate_str(row.rate), "paid_amount": row.paid_amount.as_json(),
                "refunded_amount": row.refunded_amount.as_json()}
    if isinstance(row, ReasonRow):
        return {"reason": row.reason, "refunded_orders": row.refunded_orders, "refunded_amount": row.refunded_amount.as_json()}
    if isinstance(row, AgentRow):
        return {"agent": row.agent, "refunded_orders": row.refunded_orders, "refunded_amount": row.refunded_amount.as_json()}
    raise TypeError(type(row))


def row_json(row) -> dict:
    if isinstance(row, StepRow):
        return {"step": row.step, "orders": row.orders, "recovered": row.recovered, "rate": rate_str(row.rate),
                "recovered_amount": row.recovered_amount.as_json()}
    if isinstance(row, OrdersRow):
        return {"orders_paid": row.orders_paid, "customers": row.customers, "returning": row.returning}
    if isinstance(row, CategoryRow):
        return {"category": row.category, "concerns": row.concerns, "orders": row.orders, "paid_since": row.paid_since,
                "rate": rate_str(row.rate)}
    if isinstance(row, AccuracyRow):
        return {"category": row.category, "cases": row.cases, "right": row.right, "rate": rate_str(row.rate)}
    return _refund_row_json(row)


def _window_json(window) -> dict:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def report_json(report, by: str) -> dict:
    """The refund-rate report broken down `by` day, product, reason or agent."""
    totals, window = report.totals, report.window
    return {"start": window.start.isoformat(), "end": window.end.isoformat(), "by": by,
            "paid_orders": totals.paid_orders, "refunded_orders": totals.refunded_orders, "rate": rate_str(totals.rate),
            "paid_amount": totals.paid_amount.as_json(), "refunded_amount": totals.refunded_amount.as_json(),
            "amount_rate": rates_json(totals.amount_rate), "rows": [row_json(row) for row in report.rows]}


def recovery_json(report: RecoveryReport) -> dict:
    totals = report.totals
    body = {**_window_json(report.window), "grace_seconds": int(report.grace.total_seconds())}
    for prefix, part in (("", totals.cohort), ("reminded_", totals.reminded), ("not_reminded_", totals.not_reminded)):
        body.update({f"{prefix}orders": part.orders, f"{prefix}recovered": part.recovered,
                     f"{prefix}rate": rate_str(part.rate), f"{prefix}recovered_amount": part.recovered_amount.as_json()})
    body.update({"median_seconds_to_pay": totals.median_seconds_to_pay, "rows": [row_json(row) for row in report.rows]})
    return body


def repurchase_json(report: RepurchaseReport) -> dict:
    totals = report.totals
    return {**_window_json(report.window), "customers": totals.customers, "returning": totals.returning,
            "returning_rate": rate_str(totals.returning_rate), "multi": totals.multi,
            "multi_rate": rate_str(totals.multi_rate), "rows": [row_json(row) for row in report.rows]}


def concerns_json(report: ConcernsReport) -> dict:
    totals = report.totals
    return {**_window_json(report.window), "concerns": totals.concerns, "orders": totals.orders,
            "paid_since": totals.paid_since, "rate": rate_str(totals.rate), "rows": [row_json(row) for row in report.rows]}


def assistant_json(report: AssistantReport) -> dict:
    """The accuracy rows, and what the assistant answered alone."""
    totals, answered = report.totals, report.answered_totals
    return {**_window_json(report.window), "cases": totals.cases, "right": totals.right, "rate": rate_str(totals.rate),
            "rows": [row_json(row) for row in report.rows],
            "answered": answered.answered, "came_back": answered.came_back,
            "answered_rows": [{"category": row.category, "answered": row.answered, "came_back": row.came_back,
                               "rate": rate_str(row.rate)} for row in report.answered]}


# ---- the shapes above, for the API description ----

_TEXT_COLUMNS = ("sku", "title", "reason", "agent", "step", "orders_paid", "category")


_CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["CNY"]}
AMOUNTS_OUT = {"type": "array", "minItems": 1, "items": out_obj({"currency": _CURRENCY, "amount": out_money()}),
               "description": _l("Per currency, the shop's (CNY) first, then alphabetical; no money: 0 in the shop's currency.")}
AMOUNT_RATES_OUT = {"type": "array", "minItems": 1, "items": out_obj({"currency": _CURRENCY, "rate": out_rate()}),
                    "description": _l("Per currency: money refunded ÷ money paid in it; null when none was paid in it.")}


def column_schema(name: str) -> dict:
    if name == "date":
        return {"type": "string", "format": "date"}
    if name in _TEXT_COLUMNS:
        return out_text()
    if name.endswith("_amount"):
        return AMOUNTS_OUT
    if name == "amount_rate":
        return AMOUNT_RATES_OUT
    return out_rate() if name == "rate" or name.endswith("_rate") else out_int()


def rows_schema(*breakdowns: str) -> dict:
    shapes = [out_obj({column: column_schema(column) for column in COLUMNS[b]}) for b in breakdowns]
    return {"type": "array", "items": shapes[0] if len(shapes) == 1 else {"anyOf": shapes}}


def _report(fields: dict, *breakdowns: str) -> dict:
    window = {"start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"}}
    return out_obj({**window, **{name: column_schema(name) if kind is None else kind for name, kind in fields.items()},
                    "rows": rows_schema(*breakdowns)})


_RECOVERY = {f"{prefix}{name}": None for prefix in ("", "reminded_", "not_reminded_")
             for name in ("orders", "recovered", "rate", "recovered_amount")}
REFUND_RATE_OUT = _report({"by": {"type": "string", "enum": list(BREAKDOWNS)}, "paid_orders": None, "refunded_orders": None,
                           "rate": None, "paid_amount": None, "refunded_amount": None, "amount_rate": None},
                          "day", "product", "reason", "agent")
RECOVERY_OUT = _report({"grace_seconds": None, **_RECOVERY, "median_seconds_to_pay": out_int(nullable=True)}, "step")
REPURCHASE_OUT = _report({"customers": None, "returning": None, "returning_rate": None, "multi": None,
                          "multi_rate": None}, "orders_paid")
CONCERNS_OUT = _report({"concerns": None, "orders": None, "paid_since": None, "rate": None}, "category")
_ANSWERED_ROW = out_obj({"category": out_text(), "answered": out_int(), "came_back": out_int(), "rate": out_rate()})
ASSISTANT_OUT = _report({"cases": None, "right": None, "rate": None, "answered": out_int(), "came_back": out_int(),
                         "answered_rows": {"type": "array", "items": _ANSWERED_ROW}}, "kept_category")
