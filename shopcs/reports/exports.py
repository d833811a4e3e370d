"""Report tables as downloads: CSV for the operators' spreadsheets and JSON, the API's body.

A CSV starts with a UTF-8 byte-order mark so that Excel reads the Chinese correctly, and a cell that a
spreadsheet would run as a formula (a product title a seller typed as "=HYPERLINK(…)") is quoted with "'".
"""
import csv
import io
import json

from flask import Response

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


def csv_text(columns: tuple[str, ...], rows: list[dict]) -> str:
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
