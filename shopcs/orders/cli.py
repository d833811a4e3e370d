"""`flask orders ...` commands."""
import click
from flask.cli import AppGroup

from ..actor import Actor
from ..timeutil import utcnow
from .csv_import import COLUMNS, import_orders_csv

orders_cli = AppGroup("orders", help="Import and inspect orders.")


@orders_cli.command("import", help=f"Import orders from a UTF-8 CSV file with the columns: {', '.join(COLUMNS)}. "
                                   "Rows with the same order_no add items to one order.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    with open(path, "rb") as handle:
        report = import_orders_csv(handle.read(), Actor.system("csv-import"), utcnow())
    if report.file_error:
        click.echo(report.file_error, err=True)
        raise SystemExit(1)
    imported = len(report.created) + len(report.updated)
    click.echo(f"Imported {imported} orders ({len(report.created)} created, {len(report.updated)} updated); "
               f"{len(report.failed)} failed.")
    for error in report.errors:
        where = f"line {error.line}, order {error.order_no or '(none)'}"
        click.echo(f"{where}: {error.column + ': ' if error.column else ''}{error.reason}", err=True)
    if not report.ok:
        raise SystemExit(1)
