"""Keeping the word index up to date in the caller's transaction: a new case's subject and each message as it is
written (shopcs.cases.creation, shopcs.cases.timeline.add_event), and a case whose texts are rewritten or removed
(`rewriting`: a buyer's data erased). Nothing else writes a case's subject or a message's text."""
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import and_, bindparam, delete, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ..models import Case, CaseEvent, CaseWord
from .rules import KINDS, case_grams, text_grams

WORDS = CaseWord.__table__
IS_MESSAGE = CaseEvent.kind.in_([literal_column(f"'{kind}'") for kind in KINDS])  # written into the SQL: constants


def add_text(case_id: int, text: str) -> None:
    """The grams of one more text of the case (its subject, a message); those it already has are left as they are."""
    _insert(case_id, text_grams(text))


def _insert(case_id: int, grams: Iterable[int]) -> None:
    rows = [{"gram": gram, "case_id": case_id} for gram in sorted(grams)]
    if rows:
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        db.session.execute(dialect.insert(WORDS).on_conflict_do_nothing(), rows)


def case_texts(case_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each case's subject and messages as the session has them now."""
    ids = sorted(set(case_ids))
    texts = {case_id: [subject] for case_id, subject in db.session.execute(
        select(Case.id, Case.subject).where(Case.id.in_(ids)))}
    for case_id, body in db.session.execute(select(CaseEvent.case_id, CaseEvent.body)
                                            .where(CaseEvent.case_id.in_(ids), IS_MESSAGE)):
        texts[case_id].append(body)
    return texts


@contextmanager
def rewriting(case_ids: Iterable[int]) -> Iterator[None]:
    """Around a change that rewrites or removes texts of these cases (adding a message needs only add_text): the
    grams only the old texts had go, the new texts' come, when the block ends without an error."""
    ids = list(case_ids)
    before = {case_id: case_grams(texts) for case_id, texts in case_texts(ids).items()}
    yield
    after = {case_id: case_grams(texts) for case_id, texts in case_texts(ids).items()}
    gone = [{"g": gram, "c": case_id} for case_id, grams in before.items()
            for gram in sorted(grams - after.get(case_id, set()))]
    if gone:
        db.session.execute(delete(WORDS).where(and_(WORDS.c.gram == bindparam("g"), WORDS.c.case_id == bindparam("c"))),
                           gone)
    for case_id, grams in after.items():
        _insert(case_id, grams - before.get(case_id, set()))
