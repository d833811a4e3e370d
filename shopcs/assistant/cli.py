"""`flask assistant retrain|versions|activate`: the assistant's model versions, by hand (the scheduler retrains daily)."""
import click
from flask.cli import AppGroup

from ..actor import Actor
from ..timeutil import utcnow
from .training import VersionError, activate, retrain, versions

assistant_cli = AppGroup("assistant", help="The assistant's model versions, learnt from the shop's corrected cases.")
CLI_ACTOR = Actor.system("cli")


def _accuracy(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1%}"


@assistant_cli.command("retrain", help="Train a new version now if the shop's corrected cases changed since the newest "
                                       "one; it becomes active when it sorts the held-aside cases at least as well.")
def retrain_command():
    model = retrain(utcnow(), CLI_ACTOR)
    if model is None:
        click.echo("Nothing new to learn: no version made.")
        return
    state = "active" if model.active else "stored, not active: it sorts the held-aside cases worse than the active one"
    click.echo(f"Version {model.version}: {model.example_count} examples, accuracy {_accuracy(model.accuracy)}; {state}.")


@assistant_cli.command("versions", help="List every stored version, newest first; * marks the active one.")
def versions_command():
    rows = versions()
    if not rows:
        click.echo("No version yet: the assistant uses the starter set alone.")
    for model in rows:
        click.echo(f"{'*' if model.active else ' '} {model.version:4}  {model.created_at:%Y-%m-%d %H:%M} UTC  "
                   f"{model.example_count:6} examples  accuracy {_accuracy(model.accuracy):>12}  {model.created_by}")


@assistant_cli.command("activate", help="Make a stored version the active one (the workers follow within a minute).")
@click.argument("version", type=int)
def activate_command(version):
    try:
        activate(version, CLI_ACTOR, utcnow())
    except VersionError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Version {version} is active.")
