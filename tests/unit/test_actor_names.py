from shopcs.auth.names import name_for_label

NAMES = {"xw": "小王"}


def test_a_user_is_shown_by_display_name():
    assert name_for_label("user:xw", NAMES) == "小王"


def test_a_user_without_a_display_name_is_shown_by_login():
    assert name_for_label("user:amy", NAMES) == "amy"


def test_tokens_webhooks_and_the_system_are_shown_by_their_own_name_even_when_a_user_shares_it():
    assert name_for_label("token:xw", NAMES) == "xw"
    assert name_for_label("webhook:Shopify webhook", NAMES) == "Shopify webhook"
    assert name_for_label("system:scheduler", NAMES) == "scheduler"


def test_nothing_stored_is_a_dash():
    assert name_for_label(None, NAMES) == "—" and name_for_label("", NAMES) == "—"
