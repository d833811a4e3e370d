"""The assistant's reading where agents work: each buyer message's reading on the case page, and the assistant's
category in the queue where the case's differs from it (issue 18)."""
from shopcs.cases.settings import save_triage
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.timeutil import utcnow

from ..case_builders import PLATFORM, ZONE
from ..case_page_builders import ENGLISH, client_as, round_the_clock


def _message(body, external_id="m1", **values):
    message = IncomingMessage("chat", external_id, body, customer={"external_id": "buyer-7", "name": "王五"}, **values)
    return receive_message(message, PLATFORM, utcnow(), ZONE, outbox_channel="manual")


def test_the_case_page_shows_each_messages_reading_in_the_readers_language(sqlite_app, login):
    round_the_clock()
    received = _message("快递三天没动了，到哪了？")
    _message("我要投诉你们，态度太差了！！", external_id="m2")
    client, _user = client_as(sqlite_app, login, "agent")
    page = client.get(f"/cases/{received.case_id}").get_data(as_text=True)
    assert page.count('data-test="event-reading"') == 2
    assert 'data-category="tracking"' in page and 'data-category="complaint"' in page and "查货" in page
    english = client.get(f"/cases/{received.case_id}", headers=ENGLISH).get_data(as_text=True)
    assert "Assistant: Tracking" in english and "Assistant: Complaint" in english


def test_the_queue_shows_the_assistants_category_only_where_the_case_took_another(sqlite_app, login):
    round_the_clock()
    save_triage({"min_confidence": "100", "default_category": "pre_sale"}, PLATFORM, utcnow())
    unsure = _message("快递三天没动了，到哪了？")  # not 100 % sure: the case takes the default, pre_sale
    client, _user = client_as(sqlite_app, login, "supervisor")
    queue = client.get("/cases/?tab=open", headers=ENGLISH).get_data(as_text=True)
    row = queue[queue.index(f'data-case-id="{unsure.case_id}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-test="case-suggestion">Assistant: Tracking' in row
