"""The assistant answers "where is my order?" alone (issue 18): out of the chat's business hours, a buyer on the chat
channel (the storefront widget, a chat system through the API) who asks where an identified order is gets its status,
promised ship date and parcels at once, in the language they wrote in. The case stays open for an agent, marked
"answered by the assistant".

Once per case until an agent has answered it: a buyer who asks again before anyone replied has the answer already, and
the assistant does not talk over an agent."""
from datetime import datetime

from sqlalchemy import select

from ..assistant.drafts import message_language
from ..assistant.order_status import status_text
from ..cases.inputs import Reading
from ..cases.models import Case, CaseEvent
from ..cases.settings import load_sla_settings, load_triage
from ..cases.work import answer_by_assistant
from ..extensions import db
from ..followup.settings import load_settings
from .hours import availability

CHANNEL = "chat"  # where a buyer waits for an answer in the conversation itself
QUESTION = "tracking"  # 查货: the one question the order's facts answer alone
AGENT_REPLIES = ("reply", "reply_logged")


def answer_if_simple(case_id: int, message: str, reading: Reading | None, now: datetime, zone: str, *,
                     outbox_channel: str) -> bool:
    """Answers and returns True when every condition holds; else writes nothing and returns False."""
    settings = load_triage()
    if not settings.auto_answer or reading is None or reading.category != QUESTION or not settings.sure(reading.confidence):
        return False
    case = db.session.get(Case, case_id)
    if case is None or case.channel != CHANNEL or case.order is None or _answered_already(case):
        return False
    if availability(load_sla_settings().targets[CHANNEL].hours, now, zone).open_now:
        return False  # the team is there: an agent answers
    language = message_language(message) or ("en" if load_settings().locale == "en" else "zh_CN")
    answer_by_assistant(case.id, status_text(case.order, language), now, outbox_channel=outbox_channel)
    return True


def _answered_already(case: Case) -> bool:
    """The assistant answered this case and no agent has replied since."""
    if case.assistant_answered_at is None:
        return False
    replied_since = db.session.scalar(select(CaseEvent.id).where(
        CaseEvent.case_id == case.id, CaseEvent.kind.in_(AGENT_REPLIES),
        CaseEvent.created_at > case.assistant_answered_at).limit(1))
    return replied_since is None
