"""The assistant's reading of a buyer's message as the cases keep it (cases.inputs.Reading): every message that comes
in — by the API, the widget, e-mail, or typed in by an agent — is read here, once, when it is written."""
from ..cases.inputs import Reading
from .service import suggest


def read_message(body: str | None) -> Reading | None:
    """None for a message with no text (the case's own checks refuse it)."""
    if not isinstance(body, str) or not body.strip():
        return None
    suggestion = suggest(body)
    return Reading(suggestion.category, suggestion.confidence)
