from sqlalchemy import select

from shopcs.auth.models import ApiToken, User
from shopcs.auth.services import find_api_token
from shopcs.extensions import db


def test_users_create_reads_the_password_from_stdin_and_hashes_it(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "lead", "--role", "supervisor", "--password-stdin"],
                                          input="a long secret\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "lead"))
    assert user.role == "supervisor" and "a long secret" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_users_create_refuses_a_short_password_and_an_unknown_role(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "create", "x", "--role", "agent", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "8 characters" in short.output
    role = runner.invoke(args=["users", "create", "x", "--role", "boss", "--password-stdin"], input="long enough pw\n")
    assert role.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "x")) is None


def test_api_token_create_prints_the_token_last_stores_it_hashed_and_revoke_disables_it(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["api-token", "create", "taobao"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "taobao"))
    assert secret not in stored.token_hash and find_api_token(secret).id == stored.id
    assert runner.invoke(args=["api-token", "revoke", "taobao"]).exit_code == 0
    db.session.expire_all()
    assert find_api_token(secret) is None
