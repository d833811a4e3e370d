"""Report rows as the API and the JSON/CSV exports give them: rates as 4-place strings (or null), money as "0.00"."""
from ..money import money_str
from .refund_rate import AgentRow, DayRow, ProductRow, ReasonRow

COLUMNS = {
    "day": ("date", "paid_orders", "refunded_orders", "rate", "rolling_30d_rate"),
    "product": ("sku", "title", "paid_orders", "refunded_orders", "rate", "paid_amount", "refunded_amount"),
    "reason": ("reason", "refunded_orders", "refunded_amount"),
    "agent": ("agent", "refunded_orders", "refunded_amount"),
}


def rate_str(value) -> str | None:
    return None if value is None else str(value)


def row_json(row) -> dict:
    if isinstance(row, DayRow):
        return {"date": row.day.isoformat(), "paid_orders": row.paid_orders, "refunded_orders": row.refunded_orders,
                "rate": rate_str(row.rate), "rolling_30d_rate": rate_str(row.rolling_30d_rate)}
    if isinstance(row, ProductRow):
        return {"sku": row.sku, "title": row.title, "paid_orders": row.paid_orders, "refunded_orders": row.refunded_orders,
                "rate": rate_str(row.rate), "paid_amount": money_str(row.paid_amount),
                "refunded_amount": money_str(row.refunded_amount)}
    if isinstance(row, ReasonRow):
        return {"reason": row.reason, "refunded_orders": row.refunded_orders, "refunded_amount": money_str(row.refunded_amount)}
    if isinstance(row, AgentRow):
        return {"agent": row.agent, "refunded_orders": row.refunded_orders, "refunded_amount": money_str(row.refunded_amount)}
    raise TypeError(type(row))


def report_json(report, by: str) -> dict:
    totals, window = report.totals, report.window
    return {"start": window.start.isoformat(), "end": window.end.isoformat(), "by": by,
            "paid_orders": totals.paid_orders, "refunded_orders": totals.refunded_orders, "rate": rate_str(totals.rate),
            "paid_amount": money_str(totals.paid_amount), "refunded_amount": money_str(totals.refunded_amount),
            "amount_rate": rate_str(totals.amount_rate), "rows": [row_json(row) for row in report.rows]}
