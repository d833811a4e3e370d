"""`flask --app app backup PATH`: a consistent copy of the SQLite database while the app runs."""
import click
from flask.cli import with_appcontext

from ..extensions import db
from .backup import BackupError, backup_sqlite, sqlite_source


@click.command("backup", help="Copy the SQLite database to PATH while the app runs (SQLite's online backup). "
                              "A PostgreSQL database is backed up with pg_dump instead: the command says how.")
@click.argument("path", type=click.Path())
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path, force):
    try:
        result = backup_sqlite(sqlite_source(db.engine.url), path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {result.source} to {result.target}: {result.size_bytes / 1_000_000:.1f} MB, "
               f"integrity check ok, in {result.seconds:.1f} s.")
