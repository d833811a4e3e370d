"""The erasure's pure rules (shopcs.privacy.rules), the order ingest's rule for an erased buyer's orders, and the
retention setting's check at start."""
from datetime import datetime, timezone

import pytest

from shopcs.config import ConfigError, load_config
from shopcs.orders.erased import PERSONAL_FIELDS
from shopcs.orders.ingest import ADDRESS_FIELDS
from shopcs.privacy.rules import (
    ALL_MARKERS,
    alias_for,
    family_of,
    is_pseudonym,
    marker,
    months_before,
    pseudonym,
    pseudonym_key,
    scrubbed,
)

KEY = pseudonym_key("a-secret")


def test_a_pseudonym_is_the_same_for_the_same_buyer_and_key_and_says_nothing_of_the_id():
    alias = pseudonym("email:wang@example.com", KEY)
    assert alias == pseudonym("email:wang@example.com", KEY) and is_pseudonym(alias)
    assert alias != pseudonym("email:li@example.com", KEY) and alias != pseudonym("email:wang@example.com", pseudonym_key("other"))
    assert "wang" not in alias and len(alias) <= 40  # short enough for a phone's screen, and for the 100-character column


def test_a_buyer_erased_again_after_coming_back_gets_the_next_number_of_their_family():
    family = pseudonym("buyer-1", KEY)
    assert alias_for(family, 0) == family and alias_for(family, 1) == family + "-2" and alias_for(family, 2) == family + "-3"
    assert family_of(family + "-2") == family == family_of(family)


def test_the_marker_is_written_in_the_shops_language():
    assert marker("zh") == "（已删除）" and marker("en") == "(erased)" and marker("fr") == "（已删除）"
    assert set(ALL_MARKERS) == {marker("zh"), marker("en")}


def test_an_audit_entry_keeps_who_what_and_how_much_and_loses_the_buyers_values():
    after = {"case_id": 3, "subject": "王先生的投诉", "customer": "buyer-1", "recipient": "王五", "phone": "13812345678",
             "detail": "", "amount": "12.50", "status": "paid", "items": [{"sku": "A", "title": "围巾"}], "note": None}
    assert scrubbed(after, "buyer-1", "erased:abc", "（已删除）") == {
        "case_id": 3, "subject": "（已删除）", "customer": "erased:abc", "recipient": "（已删除）", "phone": "（已删除）",
        "detail": "", "amount": "12.50", "status": "paid", "items": [{"sku": "A", "title": "围巾"}], "note": None}
    assert scrubbed({"customer": "someone-else"}, "buyer-1", "erased:abc", "x") == {"customer": "someone-else"}
    assert scrubbed({"customer": None}, None, "erased:abc", "x") == {"customer": None}
    assert scrubbed(None, "buyer-1", "erased:abc", "x") is None
    assert scrubbed({"text": "(erased)"}, "b", "erased:abc", "（已删除）") == {"text": "(erased)"}  # already erased: as it is


@pytest.mark.parametrize(("now", "months", "expected"), [
    (datetime(2026, 3, 31, 10, tzinfo=timezone.utc), 1, datetime(2026, 2, 28, 10, tzinfo=timezone.utc)),
    (datetime(2024, 3, 31, 10, tzinfo=timezone.utc), 1, datetime(2024, 2, 29, 10, tzinfo=timezone.utc)),
    (datetime(2026, 1, 15, 0, 30, tzinfo=timezone.utc), 1, datetime(2025, 12, 15, 0, 30, tzinfo=timezone.utc)),
    (datetime(2026, 3, 4, tzinfo=timezone.utc), 36, datetime(2023, 3, 4, tzinfo=timezone.utc)),
    (datetime(2026, 3, 4, tzinfo=timezone.utc), 14, datetime(2025, 1, 4, tzinfo=timezone.utc)),
])
def test_months_before_counts_calendar_months(now, months, expected):
    assert months_before(now, months) == expected


def test_an_erased_order_keeps_every_address_field_but_the_country():
    assert set(PERSONAL_FIELDS) == set(ADDRESS_FIELDS) - {"country"}


@pytest.mark.parametrize(("text", "months"), [(None, 0), ("", 0), ("  ", 0), ("0", 0), ("24", 24), (" 36 ", 36),
                                              ("1200", 1200)])
def test_the_retention_setting_is_off_unless_a_number_of_months_is_given(tmp_path, text, months):
    env = {} if text is None else {"SHOPCS_RETENTION_MONTHS": text}
    assert load_config(str(tmp_path), env)["SHOPCS_RETENTION_MONTHS"] == months


@pytest.mark.parametrize("text", ["-1", "1.5", "two", "24m", "1201", "１２"])
def test_a_retention_setting_that_is_not_a_number_of_months_stops_the_app_at_start(tmp_path, text):
    with pytest.raises(ConfigError, match="SHOPCS_RETENTION_MONTHS"):
        load_config(str(tmp_path), {"SHOPCS_RETENTION_MONTHS": text})
