"""Which version of an order the platform sent: its own update time, read from each platform's JSON, and the
rule that an older one is stale. No app, no database."""
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from shopcs.orders.domain import is_older
from shopcs.webhooks import shopify, woocommerce

FIXTURES = Path(__file__).parent.parent / "fixtures"
T = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)


def load(platform, name, **changes):
    data = json.loads((FIXTURES / platform / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_a_version_before_the_stored_one_is_older():
    assert is_older(T - timedelta(seconds=1), T)


@pytest.mark.parametrize("incoming, stored", [
    (T, T),  # the same version again: applied, it changes nothing
    (T + timedelta(seconds=1), T),
    (None, T),  # no readable time: not compared
    (T, None),  # nothing stored yet (an order from the API, or from before the column)
    (None, None),
])
def test_an_equal_later_or_unknown_version_is_not_older(incoming, stored):
    assert not is_older(incoming, stored)


def test_times_in_different_offsets_are_compared_as_instants():
    assert is_older(datetime(2026, 3, 4, 9, 59, tzinfo=timezone(timedelta(hours=8))), T)
    assert not is_older(datetime(2026, 3, 4, 10, 0, tzinfo=timezone(timedelta(hours=8))), T)


def test_shopifys_updated_at_is_read_with_its_offset_as_utc():
    assert shopify.updated_at(load("shopify", "orders_updated")) == datetime(2022, 1, 2, 15, 0, tzinfo=timezone.utc)


def test_woocommerces_date_modified_gmt_is_read_as_utc_not_the_shops_local_date_modified():
    found = woocommerce.modified_at(load("woocommerce", "order_created", date_modified="2017-03-22T16:28:08"))
    assert found == datetime(2017, 3, 22, 19, 28, 8, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", [None, "", "yesterday", 1490210888, "2017-03-22T19:28:08+25:00",
                                   "9999-12-31T23:59:59-05:00"])
def test_a_missing_or_unreadable_platform_time_is_none(value):
    assert shopify.updated_at(load("shopify", "orders_updated", updated_at=value)) is None
    assert woocommerce.modified_at(load("woocommerce", "order_created", date_modified_gmt=value)) is None


def test_a_shopify_time_without_an_offset_is_not_guessed():
    assert shopify.updated_at(load("shopify", "orders_updated", updated_at="2022-01-02T10:00:00")) is None
