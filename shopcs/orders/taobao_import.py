"""Import a Taobao / Tmall order export through the same validation and ingest service as the API.

One row is one order and is written in its own transaction. A row that cannot be mapped or validated is
reported with its line (header = line 1), the export's column and the reason, and nothing of it is written;
the other rows are imported. The report is the ShopCS CSV import's, so the CLI and the page show it alike.
"""
from datetime import datetime

from ..actor import Actor
from ..errors import Invalid, ServiceError
from .csv_import import ImportReport, RowError
from .ingest import ingest_order
from .schemas import validate_order
from .taobao_export import ExportError, ExportRow, decode_export, read_rows
from .taobao_mapping import RowProblem, order_payload, schema_column


def import_taobao_export(data: bytes, actor: Actor, now: datetime, zone: str) -> ImportReport:
    report = ImportReport()
    try:
        rows = read_rows(decode_export(data))
    except ExportError as exc:
        report.file_error = str(exc)
        return report
    first_lines: dict[str, int] = {}
    for row in rows:
        _import_row(row, first_lines, actor, now, zone, report)
    return report


def _import_row(row: ExportRow, first_lines: dict, actor: Actor, now: datetime, zone: str, report: ImportReport) -> None:
    order_no, payload, problems = order_payload(row.values, zone)
    if row.problem:  # the values sit under the wrong columns: what they say about each column is noise
        problems = [RowProblem("", row.problem)]
    if order_no and order_no in first_lines:
        problems.append(RowProblem("订单编号", f"repeats the order of line {first_lines[order_no]}"))
    first_lines.setdefault(order_no, row.line)
    if not problems:
        problems = _ingest(order_no, payload, row, actor, now, zone, report)
    if problems:
        report.failed.append(order_no)
        report.errors.extend(RowError(row.line, order_no, p.column, p.reason) for p in problems)


def _ingest(order_no: str, payload: dict, row: ExportRow, actor: Actor, now: datetime, zone: str,
            report: ImportReport) -> list[RowProblem]:
    try:
        order, created = ingest_order(validate_order(order_no, payload), actor, now, zone)
    except Invalid as exc:
        return [RowProblem(schema_column(path, row.values), reason) for path, reason in exc.fields.items()]
    except ServiceError as exc:
        return [RowProblem("订单状态" if "status" in exc.fields else "", exc.message)]
    (report.created if created else report.updated).append(order.order_no)
    return []
