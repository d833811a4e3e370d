"""Report tables as downloads: CSV for the operators' spreadsheets and JSON, the API's body.

A CSV starts with a UTF-8 byte-order mark so that Excel reads the Chinese correctly, and a cell that a
spreadsheet would run as a formula (a product title a seller typed as "=HYPERLINK(…)") is quoted with "'".

Money in a CSV: each amount column comes once per currency in the file, named with it — paid_amount_CNY,
paid_amount_USD — the shop's currency first, then alphabetical (a file without any money has the shop's currency's
columns). A row stays one product, reason, step or agent with its counts once; a cell is that row's money in that
currency ("0.00" when none), and a column sums in one currency. The JSON gives the same amounts as
[{"currency": …, "amount": …}] lists (serializers).
"""
import csv
import io
import json

from flask import Response

from ..currency import DEFAULT, amount_str
from .amounts import currency_order

UTF8_BOM = "\ufeff"
FORMATS = ("csv", "json")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A value as a CSV cell: null as empty, text that would start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def spread_amounts(columns: tuple[str, ...], rows: list[dict]) -> tuple[tuple[str, ...], list[dict]]:
    """The columns and rows with each amount column (its value a list of {"currency", "amount"}) once per currency."""
    money = [name for name in columns if name.endswith("_amount")]
    if not money:
        return columns, rows
    currencies = sorted({entry["currency"] for row in rows for name in money for entry in row[name]},
                        key=currency_order) or [DEFAULT]
    spread: list[str] = []
    for name in columns:
        spread += [f"{name}_{currency}" for currency in currencies] if name in money else [name]

    def spread_row(row: dict) -> dict:
        cells = {name: value for name, value in row.items() if name not in money}
        for name in money:
            given = {entry["currency"]: entry["amount"] for entry in row[name]}
            cells.update({f"{name}_{currency}": given.get(currency, amount_str(0, currency)) for currency in currencies})
        return cells

    return tuple(spread), [spread_row(row) for row in rows]


def csv_text(columns: tuple[str, ...], rows: list[dict]) -> str:
    columns, rows = spread_amounts(columns, rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: cell(value) for name, value in row.items()})
    return UTF8_BOM + out.getvalue()


def json_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, indent=1)


def download(kind: str, name: str, body: dict, columns: tuple[str, ...]) -> Response:
    """`body` (a report's JSON, its "rows" the table) as the file `name`.csv or .json, per `kind`."""
    if kind == "json":
        text, mimetype = json_text(body), "application/json"
    else:
        text, mimetype = csv_text(columns, body["rows"]), "text/csv"
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


def refused(problems: dict) -> Response:
    """A 422 for a bad export link, in plain text: `problems` maps each parameter to what is wrong with it."""
    return Response("; ".join(f"{name}: {problem}" for name, problem in problems.items()), status=422, mimetype="text/plain")
