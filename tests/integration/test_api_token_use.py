"""An API token notes when it was last used, to the minute: written once a minute at most, not on every request
(a write and a commit per request, and one row every request of a platform waited for: issue 20)."""
from datetime import timedelta

from sqlalchemy import select, update

from shopcs.auth.models import ApiToken
from shopcs.auth.services import TOKEN_USE_PRECISION, find_api_token, note_token_use
from shopcs.extensions import db

from ..builders import NOW, make_token


def last_used(name: str):
    db.session.rollback()
    return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.name == name))


def use(secret: str, now) -> None:
    note_token_use(find_api_token(secret), now)
    db.session.rollback()  # what the request does next is its own


def test_the_first_use_of_a_token_is_noted(app):
    secret = make_token("shop")

    use(secret, NOW)

    assert last_used("shop") == NOW


def test_uses_within_a_minute_of_the_noted_one_write_nothing(app):
    secret = make_token("shop")
    use(secret, NOW)

    use(secret, NOW + TOKEN_USE_PRECISION - timedelta(seconds=1))

    assert last_used("shop") == NOW


def test_a_use_a_minute_or_more_later_is_noted(app):
    secret = make_token("shop")
    use(secret, NOW)

    use(secret, NOW + TOKEN_USE_PRECISION)

    assert last_used("shop") == NOW + TOKEN_USE_PRECISION


def test_an_api_request_notes_its_token_use(client):
    secret = make_token("shop")

    answer = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {secret}"})

    assert answer.status_code == 200 and last_used("shop") is not None


def test_a_revoked_or_unknown_token_is_not_found(app):
    secret = make_token("shop")
    db.session.execute(update(ApiToken).values(revoked_at=NOW))
    db.session.commit()

    assert find_api_token(secret) is None and find_api_token("scs_unknown") is None and find_api_token("") is None
