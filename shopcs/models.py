"""Imports every model module so that the metadata is complete (for Alembic and tests)."""
from .assistant.models import AssistantModel  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .auth.models import ApiToken, User  # noqa: F401
from .cases.claims.models import Claim, ClaimEvidence  # noqa: F401
from .cases.live.models import CaseRead  # noqa: F401
from .cases.models import Case, CaseEvent  # noqa: F401
from .cases.replies.models import ReplyTemplate  # noqa: F401
from .conversations.models import MailboxPosition  # noqa: F401
from .conversations.widget_models import WidgetConversation  # noqa: F401
from .followup.job_runs import JobRun  # noqa: F401
from .followup.models import BuyerConcern, Promotion  # noqa: F401
from .notify.models import OutboxMessage  # noqa: F401
from .orders import previous_payment  # noqa: F401 - keeps orders.previous_paid_at exact on every flush
from .orders.models import CarrierExclusion, Customer, HandoffNote, Order, OrderItem, Refund, Shipment  # noqa: F401
from .reports.team.models import WorkLog  # noqa: F401
from .settings.models import ShopSetting  # noqa: F401
from .webhooks.models import WebhookDelivery  # noqa: F401
