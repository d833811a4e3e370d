"""How well the assistant reads buyers' messages and what it answered alone (issue 18), over shop-local days.

Definitions (the page shows them beside each number):
- judged cases: cases received in the window that the assistant read and that are resolved or closed, so the category
  an agent kept is final; by that kept category;
- right: of them, those whose kept category is the one the assistant suggested; rate = right ÷ judged;
- answered alone: cases the assistant answered itself in the window (out of hours, where an identified order is), by
  the case's category; came back: of them, those whose buyer wrote again after the assistant's answer.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, select

from ..cases.models import Case, CaseEvent
from ..cases.rules import FINISHED
from ..windows import Window, rate
from .window_sql import HI, LO, run_in_window


@dataclass(frozen=True)
class AccuracyRow:
    category: str
    cases: int
    right: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.right, self.cases)


@dataclass(frozen=True)
class AnsweredRow:
    category: str
    answered: int
    came_back: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.came_back, self.answered)


@dataclass(frozen=True)
class AssistantReport:
    window: Window
    totals: AccuracyRow
    rows: list = field(default_factory=list)  # AccuracyRow by kept category
    answered_totals: AnsweredRow = AnsweredRow("", 0, 0)
    answered: list = field(default_factory=list)  # AnsweredRow by category


_RIGHT = func.count(case((Case.suggested_category == Case.category, Case.id)))
# through ix_cases_category_received (category, received_at): the window's cases of each category
BY_KEPT_CATEGORY = (select(Case.category, func.count(), _RIGHT)
                    .where(Case.received_at >= LO, Case.received_at < HI, Case.suggested_category.is_not(None),
                           Case.status.in_(FINISHED))
                    .group_by(Case.category))
_CAME_BACK = exists().where(and_(CaseEvent.case_id == Case.id, CaseEvent.kind == "customer_message",
                                 CaseEvent.created_at > Case.assistant_answered_at))
BY_ANSWERED_CATEGORY = (select(Case.category, func.count(), func.count(case((_CAME_BACK, Case.id))))
                        .where(Case.assistant_answered_at >= LO, Case.assistant_answered_at < HI)
                        .group_by(Case.category))


def assistant_report(window: Window, zone: str) -> AssistantReport:
    rows = sorted((AccuracyRow(*row) for row in run_in_window(BY_KEPT_CATEGORY, window, zone).all()),
                  key=lambda row: (-row.cases, row.category))
    answered = sorted((AnsweredRow(*row) for row in run_in_window(BY_ANSWERED_CATEGORY, window, zone).all()),
                      key=lambda row: (-row.answered, row.category))
    return AssistantReport(window, AccuracyRow("", sum(r.cases for r in rows), sum(r.right for r in rows)), rows,
                           AnsweredRow("", sum(r.answered for r in answered), sum(r.came_back for r in answered)),
                           answered)
