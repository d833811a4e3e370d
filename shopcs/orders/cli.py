"""`flask orders ...` commands."""
import click
from flask.cli import AppGroup

from ..actor import Actor
from ..app_config import shop_zone
from ..timeutil import utcnow
from .csv_import import COLUMNS, OPTIONAL_COLUMNS
from .import_formats import FORMATS, import_orders_file

orders_cli = AppGroup("orders", help="Import and inspect orders.")


@orders_cli.command("import", help=f"Import orders from a CSV file. --format shopcs (the default): UTF-8 with the columns "
                                   f"{', '.join(COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)}); "
                                   "rows with the same order_no add items to one order. "
                                   "--format taobao: the Taobao / Tmall seller back office's order export "
                                   "(GBK or UTF-8, one row per order, times in the shop's zone).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="shopcs", show_default=True,
              help="The file's layout.")
def import_command(path, file_format):
    with open(path, "rb") as handle:
        data = handle.read()
    source = "csv-import" if file_format == "shopcs" else f"{file_format}-import"
    report = import_orders_file(file_format, data, Actor.system(source), utcnow(), shop_zone())
    if report.file_error:
        click.echo(report.file_error, err=True)
        raise SystemExit(1)
    imported = len(report.created) + len(report.updated)
    click.echo(f"Imported {imported} order{'' if imported == 1 else 's'} ({len(report.created)} created, {len(report.updated)} updated); "
               f"{len(report.failed)} failed.")
    for error in report.errors:
        where = f"line {error.line}, order {error.order_no or '(none)'}"
        click.echo(f"{where}: {error.column + ': ' if error.column else ''}{error.reason}", err=True)
    if not report.ok:
        raise SystemExit(1)
