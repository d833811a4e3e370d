import hashlib
import hmac
import json
import random
from datetime import datetime, timezone

import pytest

from shopcs.config import ConfigError, load_config
from shopcs.notify.channels import Envelope, build_email, sign, verify_signature, webhook_body
from shopcs.notify.policy import MAX_DELAY, retry_delay, status_after_failure, unwanted_reason

AT = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)


def test_the_retry_delay_doubles_with_each_attempt_within_the_jitter():
    rng = random.Random(7)
    for attempts in range(1, 8):
        delay = retry_delay(attempts, 30, rng).total_seconds()
        expected = 30 * 2 ** (attempts - 1)
        assert 0.8 * expected <= delay <= 1.2 * expected


def test_the_jitter_spreads_retries_and_is_reproducible_with_a_seeded_rng():
    delays = [retry_delay(3, 30, random.Random(seed)) for seed in range(20)]
    assert len(set(delays)) > 10
    assert retry_delay(3, 30, random.Random(1)) == retry_delay(3, 30, random.Random(1))


def test_the_retry_delay_is_capped():
    assert retry_delay(40, 30, random.Random(1)) == MAX_DELAY


def test_a_message_is_dead_after_the_last_attempt_or_at_once_for_a_permanent_failure():
    assert status_after_failure(1, 6, permanent=False) == "failed"
    assert status_after_failure(5, 6, permanent=False) == "failed"
    assert status_after_failure(6, 6, permanent=False) == "dead"
    assert status_after_failure(1, 6, permanent=True) == "dead"


@pytest.mark.parametrize("status", ["paid", "shipped", "closed", "cancelled", "completed"])
def test_an_unpaid_reminder_is_unwanted_once_the_order_left_unpaid(status):
    assert unwanted_reason("unpaid_reminder", status, False) == f"order is {status}"


def test_an_unpaid_reminder_for_an_unpaid_order_is_still_wanted():
    assert unwanted_reason("unpaid_reminder", "unpaid", False) is None


def test_an_opted_out_customer_gets_no_reminders_greetings_or_promotions_but_still_gets_service_messages():
    for kind in ("unpaid_reminder", "holiday_greeting", "promotion"):
        assert unwanted_reason(kind, "unpaid", True) == "customer opted out"
    for kind in ("shipping_notice", "case_reply", "alert"):
        assert unwanted_reason(kind, "paid", True) is None


def _envelope(**changes):
    values = dict(id=42, kind="holiday_greeting", channel="webhook", body="端午安康！", scheduled_for=AT,
                  customer="buyer-1", email="li@example.com", order_no=None)
    values.update(changes)
    return Envelope(**values)


def test_the_webhook_body_carries_the_agreed_fields_in_utf8():
    payload = json.loads(webhook_body(_envelope()).decode("utf-8"))
    assert payload == {"id": 42, "kind": "holiday_greeting", "customer": "buyer-1", "order_no": None,
                       "channel": "webhook", "body": "端午安康！", "scheduled_for": "2026-03-04T02:00:00+00:00"}


def test_a_receiver_can_verify_the_signature_and_spots_a_changed_body_or_a_wrong_secret():
    raw = webhook_body(_envelope())
    header = sign(raw, "s3cret")
    assert header == "sha256=" + hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
    assert verify_signature(raw, header, "s3cret")
    assert not verify_signature(raw + b" ", header, "s3cret")
    assert not verify_signature(raw, header, "other")
    assert not verify_signature(raw, None, "s3cret")


def test_a_greeting_email_has_an_unsubscribe_link_and_a_message_id_that_is_stable_across_resends():
    email = build_email(_envelope(unsubscribe_url="https://shop.example/unsubscribe/abc"), "店铺 <shop@example.com>")
    assert "https://shop.example/unsubscribe/abc" in email.get_content()
    assert email["List-Unsubscribe"] == "<https://shop.example/unsubscribe/abc>"
    assert email["Message-ID"] == "<outbox-42@example.com>"


def test_a_shipping_notice_email_has_no_unsubscribe_link():
    email = build_email(_envelope(kind="shipping_notice"), "shop@example.com")
    assert "unsubscribe" not in email.get_content().lower() and email["List-Unsubscribe"] is None


def test_the_outbox_settings_have_safe_defaults_and_a_bad_default_channel_stops_the_app():
    config = load_config("/tmp", env={})
    assert config["SHOPCS_OUTBOX_CHANNEL"] == "manual" and config["SHOPCS_OUTBOX_MAX_ATTEMPTS"] == 6
    assert config["SHOPCS_OUTBOX_BACKOFF_SECONDS"] == 30 and config["SHOPCS_WEBHOOK_TIMEOUT_SECONDS"] == 5
    with pytest.raises(ConfigError):
        load_config("/tmp", env={"SHOPCS_OUTBOX_CHANNEL": "sms"})
