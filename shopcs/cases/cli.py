"""`flask cases clean-photos`: upkeep of what cases store."""
import click
from flask.cli import AppGroup

from ..actor import Actor
from ..app_config import claim_settings
from ..timeutil import utcnow
from .claims.cleanup import ALREADY_CLEAN, CLEANED, DUPLICATE, FAILED, Report, clean_stored_photos

cases_cli = AppGroup("cases", help="Upkeep of cases and their claims.")


@cases_cli.command("clean-photos", help="Store every claim photo without its metadata, as uploads are stored now: photos "
                                        "stored before that still carry the buyer's GPS position and the camera's serial "
                                        "numbers. Photos already clean are left as they are; a photo that, once cleaned, is "
                                        "the same as another of its claim, or that cannot be cleaned, is listed and left as "
                                        "it is. Exits with 1 when any could not be cleaned.")
@click.option("--dry-run", is_flag=True, help="List what would change and write nothing.")
def clean_photos_command(dry_run):
    report = clean_stored_photos(claim_settings().upload_dir, Actor.system("photo-cleanup"), utcnow(), dry_run=dry_run)
    for outcome in report.outcomes:
        if outcome.result == CLEANED:
            click.echo(f"photo {outcome.evidence_id}: {'would be cleaned' if dry_run else 'cleaned'}")
        elif outcome.result in (DUPLICATE, FAILED):
            click.echo(f"photo {outcome.evidence_id}: {outcome.result}: {outcome.detail}", err=True)
    click.echo(_summary(report))
    if not report.ok:
        raise SystemExit(1)


def _summary(report: Report) -> str:
    counts = (f"{report.count(CLEANED)}, already clean {report.count(ALREADY_CLEAN)}, "
              f"duplicates {report.count(DUPLICATE)}, failed {report.count(FAILED)}.")
    return f"Dry run, nothing written: would clean {counts}" if report.dry_run else f"Cleaned {counts}"
