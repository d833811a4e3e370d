"""Import orders from a CSV export through the same validation and ingest service as the API.

Format: UTF-8 (with or without BOM), a header row, then one row per order line with the columns in
COLUMNS (and any of OPTIONAL_COLUMNS). Rows sharing an order_no (anywhere in the file) are one order: its order fields come from
its first row, each row adds one item. Each order is written in its own transaction; a bad order is
reported with line numbers and column reasons and nothing of it is written, the good ones are imported.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from ..actor import Actor
from ..errors import Invalid, ServiceError
from .ingest import ingest_order
from .schemas import validate_order

ITEM_COLUMNS = ("sku", "title", "quantity", "unit_price")
ORDER_COLUMNS = ("order_no", "status", "placed_at", "paid_at", "customer_id", "customer_name", "customer_phone",
                 "customer_email", "recipient", "phone", "province", "city", "district", "detail", "postal_code",
                 "shipping_fee", "discount", "total")
COLUMNS = ORDER_COLUMNS[:15] + ITEM_COLUMNS + ORDER_COLUMNS[15:]
# Order columns a file may leave out: the address's country (CN when absent or blank), its second line (abroad) and
# the order's currency (CNY when absent or blank). Files written before issue 19 have none of them.
OPTIONAL_COLUMNS = ("country", "address_line2", "currency")
_CUSTOMER = {"external_id": "customer_id", "name": "customer_name", "phone": "customer_phone", "email": "customer_email"}
_ADDRESS = ("recipient", "phone", "province", "city", "district", "detail", "postal_code")
_OPTIONAL = ("paid_at", "shipping_fee", "discount")


@dataclass(frozen=True)
class RowError:
    line: int
    order_no: str
    column: str  # "" when the reason is about the whole row
    reason: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed and self.file_error is None


@dataclass
class _Row:
    line: int
    values: dict


def import_orders_csv(data: bytes, actor: Actor, now: datetime, zone: str) -> ImportReport:
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.file_error = "The file is not UTF-8 text; save it as CSV UTF-8 and try again."
        return report
    groups = _read_groups(text, report)
    for order_no, rows in groups.items():
        _import_one(order_no, rows, actor, now, zone, report)
    return report


def _read_groups(text: str, report: ImportReport) -> dict[str, list[_Row]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    groups: dict[str, list[_Row]] = {}
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            report.file_error = f"The header row lacks the columns: {', '.join(missing)}."
            return {}
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            row = _Row(reader.line_num, dict(zip(header, values, strict=False)))
            if len(values) != len(header):
                row.values["__problem__"] = f"has {len(values)} values; the header has {len(header)}"
            groups.setdefault(row.values.get("order_no", "").strip(), []).append(row)
    except csv.Error as exc:
        report.file_error = f"Line {reader.line_num}: the file is not valid CSV ({exc})."
        return {}
    return groups


def _import_one(order_no: str, rows: list[_Row], actor: Actor, now: datetime, zone: str, report: ImportReport) -> None:
    errors = _row_problems(order_no, rows)
    if not errors:
        try:
            order, created = ingest_order(validate_order(order_no, _payload(rows)), actor, now, zone)
        except Invalid as exc:
            errors = [_locate(order_no, rows, path, reason) for path, reason in exc.fields.items()]
        except ServiceError as exc:
            errors = [RowError(rows[0].line, order_no, "status" if "status" in exc.fields else "", exc.message)]
        else:
            (report.created if created else report.updated).append(order.order_no)
    if errors:
        report.failed.append(order_no)
        report.errors.extend(sorted(errors, key=lambda e: (e.line, e.column)))


def _row_problems(order_no: str, rows: list[_Row]) -> list[RowError]:
    problems = [RowError(r.line, order_no, "", r.values["__problem__"]) for r in rows if "__problem__" in r.values]
    first = rows[0]
    for row in rows[1:]:
        for column in ORDER_COLUMNS + OPTIONAL_COLUMNS:
            value = row.values.get(column, "").strip()
            if value and value != first.values.get(column, "").strip():
                problems.append(RowError(row.line, order_no, column, f"differs from line {first.line}, the order's first row"))
    return problems


def _blank_is_none(value: str | None):
    return None if value is None or not value.strip() else value.strip()


def _quantity(value: str | None):
    """Digits become an int; anything else goes to the schema as text so that it names the problem."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else (text or None)


def _payload(rows: list[_Row]) -> dict:
    first = rows[0].values
    payload = {name: _blank_is_none(first.get(name)) for name in ("status", "placed_at", "total", *_OPTIONAL)}
    payload["customer"] = {key: first.get(column) for key, column in _CUSTOMER.items()}
    payload["shipping_address"] = {name: first.get(name) for name in (*_ADDRESS, "address_line2")}
    payload["shipping_address"]["country"] = _blank_is_none(first.get("country"))
    payload["currency"] = _blank_is_none(first.get("currency"))
    payload["items"] = [{"sku": r.values.get("sku"), "title": r.values.get("title"),
                         "quantity": _quantity(r.values.get("quantity")), "unit_price": _blank_is_none(r.values.get("unit_price"))}
                        for r in rows]
    return payload


def _locate(order_no: str, rows: list[_Row], path: str, reason: str) -> RowError:
    """Turn a schema path (items.1.unit_price, customer.phone) into a CSV line and column."""
    parts = path.split(".")
    if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(rows):
        return RowError(rows[int(parts[1])].line, order_no, parts[2] if len(parts) > 2 else "", reason)
    if parts[0] == "customer":
        return RowError(rows[0].line, order_no, _CUSTOMER.get(parts[-1], "customer_id"), reason)
    if parts[0] == "shipping_address":
        return RowError(rows[0].line, order_no, parts[-1] if len(parts) > 1 else "recipient", reason)
    return RowError(rows[0].line, order_no, "sku" if path == "items" else path, reason)
