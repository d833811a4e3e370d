"""Codes that pages translate with _(code) and words that are only known at run time.

The extractor cannot see the values of `_(variable)`, so every code a template or view passes through
gettext is listed here once, marked with lazy_gettext: `pybabel extract` then puts it in the catalogue.
The helpers give the label of a code in the reader's language (the code itself when it is unknown).
"""
from flask_babel import lazy_gettext as _l

ORDER_STATUSES = {
    "unpaid": _l("unpaid"), "paid": _l("paid"), "shipped": _l("shipped"), "completed": _l("completed"),
    "cancelled": _l("cancelled"), "closed": _l("closed"),
}

CASE_SEVERITIES = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"), "critical": _l("Critical")}

REFUND_STATUSES = {"requested": _l("requested"), "approved": _l("approved"), "rejected": _l("rejected")}

ROLES = {
    "agent": _l("agent"), "after_sales": _l("after_sales"), "shipping": _l("shipping"),
    "supervisor": _l("supervisor"), "operator": _l("operator"), "admin": _l("admin"),
}

CARRIER_NAMES = {  # shipping.CARRIERS' English names: templates show _(carrier.name_en)
    "SF": _l("SF Express"), "ZTO": _l("ZTO Express"), "YTO": _l("YTO Express"), "STO": _l("STO Express"),
    "YUNDA": _l("Yunda Express"), "JD": _l("JD Logistics"), "EMS": _l("China Post EMS"), "UPS": _l("UPS"),
    "DHL": _l("DHL Express"), "FEDEX": _l("FedEx"), "USPS": _l("USPS"), "OTHER": _l("Other"),
}


def order_status(code: str | None):
    return ORDER_STATUSES.get(code, code or "—")


def refund_status(code: str | None):
    return REFUND_STATUSES.get(code) or ORDER_STATUSES.get(code, code or "—")


def carrier_name(code: str):
    return CARRIER_NAMES.get(code, code)


REFUND_REASONS = {  # as refund_forms.REASON_LABELS
    "not_as_described": _l("Not as described"), "quality": _l("Quality problem"), "wrong_item": _l("Wrong item"),
    "damaged": _l("Damaged"), "not_received": _l("Not received"), "size": _l("Size does not fit"),
    "changed_mind": _l("Changed mind"), "other": _l("Other"),
}
CONFIRM_METHODS = {"chat": _l("chat"), "phone": _l("phone call"), "platform": _l("platform message")}
DEPARTMENTS = {"after_sales": _l("After-sales"), "shipping": _l("Shipping"), "general": _l("General (no team)")}
SHIPMENT_SOURCES = {"shopcs": _l("ship form"), "api": _l("platform API"), "shopify": _l("Shopify")}
# Why a shipment the platform reported is flagged for a look (orders.shipping.FLAGS); stored comma-separated.
SHIPMENT_FLAGS = {
    "unknown_carrier": _l("carrier unknown to ShopCS, kept as the platform named it"),
    "format": _l("the number does not match this carrier's format"),
    "several_numbers": _l("the platform lists several tracking numbers; the first is shown"),
    "cancelled": _l("the platform cancelled this shipment"),
}
SHIPMENT_STATUSES = {  # Shopify's shipment_status of a fulfilment
    "label_printed": _l("label printed"), "label_purchased": _l("label purchased"),
    "attempted_delivery": _l("delivery attempted"), "ready_for_pickup": _l("ready for pickup"),
    "confirmed": _l("confirmed by the carrier"), "in_transit": _l("in transit"), "out_for_delivery": _l("out for delivery"),
    "delivered": _l("delivered"), "failure": _l("delivery failed"),
}

# The fields of audit entries (before/after) as the audit log and the order's timeline name them: shopcs.audit.labels
FIELD_LABELS = {
    # orders, addresses, shipments
    "status": _l("status"), "placed_at": _l("placed at"), "paid_at": _l("paid at"), "items": _l("items"),
    "items_total": _l("items total"), "shipping_fee": _l("shipping fee"), "discount": _l("discount"),
    "total": _l("total"), "currency": _l("currency"), "customer_id": _l("buyer no."), "phone_valid": _l("phone number valid"),
    "method": _l("confirmed via"), "recipient": _l("recipient"), "phone": _l("phone"), "province": _l("province"),
    "city": _l("city"), "district": _l("district"), "detail": _l("street address"), "postal_code": _l("postal code"),
    "country": _l("country"), "address_line2": _l("address line 2"),
    "address_confirmed_at": _l("confirmed at"), "address_confirmed_by": _l("confirmed by"),
    "address_confirm_method": _l("confirmed via"), "carrier": _l("carrier"), "tracking_no": _l("tracking number"),
    "shipped_on": _l("ship date"), "promised_ship_date": _l("promised ship date"), "provinces": _l("provinces"),
    # refunds and hand-off notes
    "refund_id": _l("refund no."), "amount": _l("amount"), "reason": _l("reason"), "with_return": _l("with return"),
    "department": _l("for"), "body": _l("note"), "note_id": _l("note no."), "done_at": _l("done at"),
    "done_by": _l("done by"),
    # cases and claims
    "case_id": _l("case no."), "category": _l("category"), "channel": _l("channel"), "severity": _l("severity"),
    "subject": _l("subject"), "order_no": _l("order no."), "customer": _l("buyer"), "received_at": _l("received at"),
    "first_response_due_at": _l("first reply due"), "event_id": _l("timeline entry no."), "at": _l("at"),
    "note": _l("note"), "team": _l("team"), "owner": _l("owner"), "how": _l("how"), "escalation_reason": _l("escalation reason"),
    "escalated_at": _l("escalated at"), "words": _l("promise words"), "claim_id": _l("claim no."),
    "kind": _l("kind"), "amount_claimed": _l("amount claimed"), "evidence_id": _l("photo no."), "name": _l("name"),
    "content_type": _l("file type"), "size": _l("size in bytes"), "sha256": _l("SHA-256 checksum"),
    # messages, follow-up, work log, reply templates, accounts
    "message_id": _l("message no."), "attempts": _l("attempts"), "scheduled_for": _l("scheduled for"),
    "opted_out": _l("opted out"), "text": _l("text"), "day": _l("day"), "send_time": _l("send time"),
    "notes": _l("notes"), "counts": _l("counts"), "refund_amount": _l("refund amount"), "key": _l("key"),
    "language": _l("language"), "title": _l("title"), "active": _l("active"), "role": _l("role"),
    "locale": _l("language of messages to buyers"), "shop_name": _l("shop name in messages"),
    "shop_name_en": _l("English shop name in messages"),
    "account": _l("account"), "display_name": _l("display name"), "must_change_password": _l("must change the password"),
    "auto_close_hours": _l("unpaid hours before closing"), "notify_platform_shipments": _l("notice for platform shipments"),
    # shipments the platform reports
    "shipped_at": _l("shipped at"), "carrier_name": _l("carrier as the platform names it"), "source": _l("shipment source"),
    "shipment_status": _l("shipment status"), "flagged": _l("flagged for a look"), "flag_reason": _l("to check"),
    "external_id": _l("platform's fulfilment no."), "shipment_id": _l("shipment no."),
    # the assistant
    "min_confidence": _l("confidence to take the suggestion (%)"), "default_category": _l("default category"),
    "auto_answer": _l("answer where an order is out of hours"), "version": _l("model version"),
    "example_count": _l("examples learnt from"), "held_aside": _l("examples held aside"),
    "accuracy": _l("accuracy on those held aside"), "active_accuracy": _l("the active version's accuracy"),
    "active_version": _l("active version"),
    # a buyer's erasure (shopcs.privacy): how many of each were erased
    "again": _l("erased before"), "orders": _l("orders"), "cases": _l("cases"), "messages": _l("case messages"),
    "handoff_notes": _l("hand-off notes"), "concerns": _l("concerns"), "refund_notes": _l("refund notes"),
    "claim_notes": _l("claim notes"), "photos": _l("claim photos"), "outbox_messages": _l("messages to the buyer"),
    "cancelled_messages": _l("messages cancelled"), "audit_entries": _l("audit entries"),
    "assistant_examples": _l("assistant examples"),
}


# Audit actions (shopcs.audit.services.record) as the order timeline and the audit log show them.
ACTION_LABELS = {
    "order.placed": _l("Order placed"),
    "order.paid": _l("Order paid"),
    "order.created": _l("Order received"),  # from the API, a webhook or an import: the entry names who
    "order.updated": _l("Order updated from its source"),
    "order.status": _l("Status changed"),
    "order.closed_here": _l("Closed here: not paid in time"),  # the follow-up auto-close (system:scheduler)
    "order.paid_after_local_close": _l("Paid after it was closed here"),  # the platform's payment wins over our auto-close
    "order.promised_ship_date": _l("Promised ship date set"),
    "address.confirmed": _l("Address confirmed with the buyer"),
    "address.corrected": _l("Address corrected"),
    "shipment.created": _l("Shipped"),
    "shipment.updated": _l("Shipment changed by the platform"),
    "shipment.flagged": _l("Shipment flagged for a look"),
    "shipment.flag_cleared": _l("Shipment flag cleared"),
    "refund.requested": _l("Refund requested"),
    "refund.approved": _l("Refund approved"),
    "refund.rejected": _l("Refund rejected"),
    "refund.completed": _l("Refund completed"),
    "order.address_changed": _l("Address changed by the platform after confirmation"),
    "note.added": _l("Note added"),
    "note.done": _l("Note marked done"),
    "outbox.manual_sent": _l("Message marked sent by hand"),
    "outbox.retry": _l("Message sent for another try"),
    "followup.concern": _l("Buyer's concern recorded"),
    "followup.reminder_by_hand": _l("Payment reminder sent by hand"),
    "followup.settings": _l("Follow-up settings changed"),
    "followup.promotion_added": _l("Promotion added"),
    "followup.promotion_deleted": _l("Promotion deleted"),
    "customer.opt_out": _l("Buyer opted out of messages"),
    "customer.opt_in": _l("Buyer opted in to messages again"),
    "customer.erased": _l("Buyer's personal data erased"),  # shopcs.privacy: the counts, never the data
    "order.buyer_erased": _l("Buyer's name, phone and address erased"),
    "carrier.exclusions": _l("Carrier coverage changed"),
    "report_alerts.settings_changed": _l("Refund-rate alert settings changed"),
    "case.created": _l("Case opened"),
    "case.replied": _l("Reply sent to the customer"),
    "case.reply_logged": _l("Reply given elsewhere logged"),
    "case.note_added": _l("Case note added"),
    "case.customer_message": _l("Customer wrote again"),
    "case.order_linked": _l("Case linked to the buyer's order"),
    "case.transferred": _l("Case transferred"),
    "case.status": _l("Case status changed"),
    "case.reopened": _l("Case reopened"),
    "case.severity": _l("Case severity changed"),
    "case.escalated": _l("Case escalated to the supervisors"),
    "case.acknowledged": _l("Escalation acknowledged"),
    "case.promise_warning_overridden": _l("Reply sent despite the promise warning"),
    "case.taken": _l("Case taken"),
    "case.assigned": _l("Case assigned automatically"),
    "user.availability": _l("Availability for new conversations changed"),
    "case_assignment.settings_changed": _l("Automatic assignment limit changed"),
    "case_assistant.settings_changed": _l("Assistant settings changed"),
    "case.assistant_answered": _l("Answered by the assistant"),
    "assistant.model_trained": _l("Assistant model trained"),
    "assistant.model_activated": _l("Assistant model version activated"),
    "claim.opened": _l("Claim opened"),
    "claim.evidence_added": _l("Photo added to the claim"),
    "claim.evidence_cleaned": _l("Metadata removed from a claim photo"),
    "claim.approved": _l("Claim approved"),
    "claim.rejected": _l("Claim rejected"),
    "case_sla.settings_changed": _l("Response-time targets changed"),
    "case_promise_words.settings_changed": _l("Promise words changed"),
    "worklog.notes_saved": _l("Work-log notes saved"),
    "worklog.submitted": _l("Work log submitted"),
    "reply_template.created": _l("Reply template added"),
    "reply_template.updated": _l("Reply template changed"),
    "reply_template.deactivated": _l("Reply template deactivated"),
    "account.created": _l("Account created"),
    "account.updated": _l("Account changed"),
    "account.deactivated": _l("Account deactivated"),
    "account.reactivated": _l("Account reactivated"),
    "account.password_reset": _l("Password reset by an admin"),
}


def action_label(action: str):
    return ACTION_LABELS.get(action, action)


def shipment_flags(codes: str | None) -> list:
    """A shipment's stored flag codes ("unknown_carrier,format") as reasons in the reader's language."""
    return [SHIPMENT_FLAGS.get(code, code) for code in (codes or "").split(",") if code]


MONEY_PROBLEMS = (  # money.MoneyError's texts, shown after "The amount" on the refund form: _l(str(exc))
    _l('must be an amount such as "12.50"'), _l("must not be negative"), _l("is too large"),
    _l('must be a string with at most three decimals, such as "12.50"'),
    _l('must be a number with at most three decimals, such as "12.50"'), _l("is not a number"),
)


# Why an outbox message was cancelled: stored in English (the API shows it as is), shown translated.
CANCEL_REASONS = {
    "customer opted out": _l("the buyer opted out"),
    "customer erased": _l("the buyer's personal data was erased"),
    "promotion deleted": _l("the promotion was deleted"),
    "order closed": _l("the order was closed"),
    "order paid": _l("the order was paid"),
    "order cancelled": _l("the order was cancelled"),
    "order shipped": _l("the order was shipped"),
    "order completed": _l("the order was completed"),
    "dropped: the order closes before quiet hours end": _l("dropped: the order closes before quiet hours end"),
    "dropped: the order already had the maximum number of reminders": _l(
        "dropped: the order already had the maximum number of reminders"),
}


CANCEL_REASONS.update({f"order is {status}": CANCEL_REASONS[f"order {status}"]
                       for status in ("closed", "paid", "cancelled", "shipped", "completed")})


def cancel_reason(text: str | None) -> str:
    return str(CANCEL_REASONS.get(text or "", text or ""))


# What became of a webhook delivery (shopcs.webhooks.models.WebhookDelivery.outcome), on the deliveries page.
WEBHOOK_OUTCOMES = {
    "created": _l("Order created"), "updated": _l("Order updated"),
    "stale": _l("Stale: the order had moved on"), "refunded": _l("Refund taken"),
    "ignored": _l("Noted, nothing changed"), "refused": _l("Refused"),
    "shipped": _l("Shipment taken"), "shipment_updated": _l("Shipment updated"),
}


# The scheduler's jobs (shopcs.followup.scheduler.JOBS), on the scheduler jobs page; a job without a label shows its id.
JOB_LABELS = {
    "unpaid_sweep": _l("Unpaid-order reminders"), "greeting_sweep": _l("Holiday greetings"),
    "outbox_sender": _l("Outbox sender"), "auto_close": _l("Close unpaid orders"),
    "refund_rate_alerts": _l("Refund-rate alerts"), "case_breach_sweep": _l("Escalate missed response targets"),
    "assistant_retrain": _l("Assistant retraining"), "mail_poll": _l("Mailbox poll"),
    "retention": _l("Erase inactive buyers"),  # shopcs.privacy.jobs
}


def label_lookup(labels: dict, default=None):
    """A template filter that shows a stored code by its (translated) label; unknown codes show as stored."""
    return lambda code: str(labels.get(code, code if default is None else default))
