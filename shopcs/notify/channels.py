"""How a message leaves the shop: email over SMTP or a signed webhook. ("manual" is an agent, not a channel here.)

A channel either returns (delivered) or raises SendFailure; `permanent` failures are dead at once,
the others are retried with backoff by the sender. Channels know nothing of the database.
"""
import hashlib
import hmac
import json
import smtplib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formataddr, formatdate

import requests

SIGNATURE_HEADER = "X-ShopCS-Signature"
RETRYABLE_4XX = (408, 429)  # "try again later" answers: retried like a 5xx, not dead-lettered
SUBJECTS = {"unpaid_reminder": "订单付款提醒", "holiday_greeting": "节日问候", "promotion": "店铺活动",
            "shipping_notice": "发货通知", "case_reply": "客服回复", "alert": "订单通知",
            "case_escalation": "工单上报", "assistant_reply": "订单状态"}


class SendFailure(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Envelope:
    """What a channel needs to know about one outbox message."""

    id: int
    kind: str
    channel: str
    body: str
    scheduled_for: datetime
    customer: str | None = None  # the customer's external_id
    email: str = ""
    order_no: str | None = None
    unsubscribe_url: str | None = None
    headers: dict | None = None  # an e-mailed case reply's own Message-ID, In-Reply-To, References and Subject


def webhook_body(envelope: Envelope) -> bytes:
    payload = {"id": envelope.id, "kind": envelope.kind, "customer": envelope.customer, "order_no": envelope.order_no,
               "channel": envelope.channel, "body": envelope.body,
               "scheduled_for": envelope.scheduled_for.astimezone(timezone.utc).isoformat()}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(raw_body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def verify_signature(raw_body: bytes, header_value: str | None, secret: str) -> bool:
    """For receivers (and tests): does the header match the body, in constant time?"""
    return bool(header_value) and hmac.compare_digest(sign(raw_body, secret), header_value)


class WebhookChannel:
    """POSTs JSON signed with HMAC-SHA256; the message id is the Idempotency-Key, so redeliveries can be deduped."""

    def __init__(self, url: str, secret: str, timeout: float = 5.0):
        self.url, self.secret, self.timeout = url, secret, timeout
        self.session = requests.Session()  # one connection pool per drain

    def send(self, envelope: Envelope) -> None:
        if not self.url or not self.secret:
            raise SendFailure("SHOPCS_WEBHOOK_URL and SHOPCS_WEBHOOK_SECRET must both be set")
        raw = webhook_body(envelope)
        headers = {"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(raw, self.secret),
                   "Idempotency-Key": str(envelope.id)}
        try:
            response = self.session.post(self.url, data=raw, headers=headers, timeout=self.timeout, allow_redirects=False)
        except requests.Timeout as exc:
            raise SendFailure(f"no answer within {self.timeout:g} s") from exc
        except requests.RequestException as exc:
            raise SendFailure(f"could not reach the webhook: {type(exc).__name__}") from exc
        with response:
            status = response.status_code
            if 200 <= status < 300:
                return  # the body of a success is not read: decoding it (charset detection) costs more than the POST
            text = response.text[:200]
        permanent = 300 <= status < 500 and status not in RETRYABLE_4XX
        raise SendFailure(f"HTTP {status}: {text}".strip(), permanent=permanent)

    def close(self) -> None:
        self.session.close()


def build_email(envelope: Envelope, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr(("", envelope.email))
    own = envelope.headers or {}
    message["Subject"] = own.get("Subject") or SUBJECTS.get(envelope.kind, "订单通知")
    message["Date"] = formatdate(localtime=False)
    # the same on a resend; a case reply's was fixed when it was queued, so that the buyer's answer finds the case
    message["Message-ID"] = own.get("Message-ID") or f"<outbox-{envelope.id}@{sender.rpartition('@')[2].strip('>') or 'shopcs'}>"
    for name in ("In-Reply-To", "References"):
        if own.get(name):
            message[name] = own[name]
    body = envelope.body
    if envelope.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
        body += f"\n\n如不想再收到此类消息，请点击退订 / Unsubscribe: {envelope.unsubscribe_url}\n"
    message.set_content(body, charset="utf-8")
    return message


class EmailChannel:
    """One SMTP conversation per message: simple, and a broken connection costs one message, not a batch."""

    def __init__(self, host: str, port: int, sender: str, user: str = "", password: str = "", starttls: bool = False,
                 timeout: float = 10.0):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, envelope: Envelope) -> None:
        if not self.host:
            raise SendFailure("SHOPCS_SMTP_HOST is not set")
        if not envelope.email:
            raise SendFailure("the customer has no email address", permanent=True)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(build_email(envelope, self.sender))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendFailure(f"recipient refused: {codes}", permanent=all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPDataError as exc:  # the server refused this message's content
            raise SendFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:300], permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError) as exc:  # connection, auth, sender: the shop's setup, not this message
            raise SendFailure(f"SMTP failed: {type(exc).__name__}: {exc}"[:300]) from exc

    def close(self) -> None:
        pass


def open_channels(config) -> dict:
    return {
        "webhook": WebhookChannel(config["SHOPCS_WEBHOOK_URL"], config["SHOPCS_WEBHOOK_SECRET"],
                                  config["SHOPCS_WEBHOOK_TIMEOUT_SECONDS"]),
        "email": EmailChannel(config["SHOPCS_SMTP_HOST"], config["SHOPCS_SMTP_PORT"], config["SHOPCS_SMTP_FROM"],
                              config["SHOPCS_SMTP_USER"], config["SHOPCS_SMTP_PASSWORD"], config["SHOPCS_SMTP_STARTTLS"]),
    }
