from flask_babel import force_locale

from shopcs.followup import rules
from shopcs.i18n_labels import cancel_reason


def test_stored_cancel_reasons_are_shown_in_the_readers_language(sqlite_app):
    with sqlite_app.test_request_context("/"):
        with force_locale("zh_CN"):
            assert cancel_reason("order is paid") == "订单已付款"
            assert cancel_reason(rules.DROP_CAP) == "已放弃：该订单的催付次数已达上限"
        with force_locale("en"):
            assert cancel_reason("customer opted out") == "the buyer opted out"


def test_an_unknown_cancel_reason_is_shown_as_stored(sqlite_app):
    with sqlite_app.test_request_context("/"):
        assert cancel_reason("operator said so") == "operator said so"
        assert cancel_reason(None) == ""
