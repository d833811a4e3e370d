"""`flask users create` and `flask api-token create|revoke|list`."""
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..timeutil import utcnow
from .models import ROLES, ApiToken
from .services import AuthError, create_api_token, create_user, revoke_api_token

users_cli = AppGroup("users", help="Manage the people who log in.")
token_cli = AppGroup("api-token", help="Manage API tokens for the shop's platform.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of standard input.")
@click.option("--display-name", default="")
def create_user_command(name, role, password_stdin, display_name):
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(name, role, password, utcnow(), display_name=display_name)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} {name}.")


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
