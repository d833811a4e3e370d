"""`flask users create|reset-password` and `flask api-token create|revoke|list`. The rules are those of the accounts
pages (rules.py, through the same services)."""
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..actor import Actor
from ..extensions import db
from ..timeutil import utcnow
from .accounts import reset_password
from .models import ApiToken, User
from .rules import ROLES
from .services import AuthError, create_api_token, create_user, revoke_api_token

users_cli = AppGroup("users", help="Manage the people who log in.")
token_cli = AppGroup("api-token", help="Manage API tokens for the shop's platform.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of standard input.")
@click.option("--display-name", default="")
def create_user_command(name, role, password_stdin, display_name):
    password = _read_password(password_stdin)
    try:
        create_user(name, role, password, utcnow(), display_name=display_name)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} {name}.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the temporary password from one line of standard input.")
def reset_password_command(name, password_stdin):
    """A temporary password (the user chooses their own at the next login), e.g. for an admin who forgot theirs."""
    user = db.session.scalar(select(User).where(User.username == name))
    if user is None:
        raise click.ClickException(f"No user named {name!r}.")
    try:
        reset_password(Actor.system("cli"), user.id, _read_password(password_stdin), utcnow())
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Password of {name} reset; it must be changed at the next login.")


@token_cli.command("create")
@click.argument("name")
def create_token_command(name):
    try:
        _token, secret = create_api_token(name, utcnow())
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Token {name} created. It is shown once; store it in the platform's settings:")
    click.echo(secret)


@token_cli.command("revoke")
@click.argument("name")
def revoke_token_command(name):
    try:
        revoke_api_token(name, utcnow())
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Token {name} revoked.")


@token_cli.command("list")
def list_tokens_command():
    for token in db.session.scalars(select(ApiToken).order_by(ApiToken.name)):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        click.echo(f"{token.name}\t{state}")
