"""The one door to case writes for pages, the API and the scheduler; each function is one transaction."""
from .creation import create_case
from .escalation import acknowledge, escalate_breaches
from .inputs import CaseInput
from .transfers import transfer
from .work import add_customer_message, add_note, change_severity, change_status, reply

__all__ = ["CaseInput", "acknowledge", "add_customer_message", "add_note", "change_severity", "change_status",
           "create_case", "escalate_breaches", "reply", "transfer"]
