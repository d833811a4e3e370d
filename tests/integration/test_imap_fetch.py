"""Fetching from a real IMAP server (Dovecot on a loopback port): new mail by UID, unread left unread, a renumbered
mailbox read again, a wrong password or a closed port said plainly."""
import imaplib

import pytest

from shopcs.conversations.imap_fetch import Mailbox, MailboxError, fetch_new

from ..imap_server import PASSWORD, USER, dovecot


@pytest.fixture(scope="module")
def imap():
    with dovecot() as server:
        yield server


def _raw(number: int) -> bytes:
    return f"From: buyer{number}@example.com\r\nSubject: 第{number}封\r\nMessage-ID: <m{number}@example.com>\r\n" \
           f"Content-Type: text/plain; charset=utf-8\r\n\r\n包裹 {number}\r\n".encode()


def test_new_mail_is_fetched_once_by_uid_oldest_first_and_left_unread(imap):
    mailbox = Mailbox.from_url(imap.url)
    first = fetch_new(mailbox, None, 0)
    already = len(first.mails)
    imap.deliver(_raw(1))
    imap.deliver(_raw(2))
    second = fetch_new(mailbox, first.uidvalidity, first.mails[-1][0] if first.mails else 0)
    assert [raw.split(b"\r\n")[2] for _uid, raw in second.mails] == [b"Message-ID: <m1@example.com>",
                                                                      b"Message-ID: <m2@example.com>"]
    assert fetch_new(mailbox, second.uidvalidity, second.mails[-1][0]).mails == []
    with imaplib.IMAP4("127.0.0.1", imap.port) as client:  # nothing was marked read for the shop's people
        client.login(USER, PASSWORD)
        client.select("INBOX", readonly=True)
        assert len(client.uid("SEARCH", None, "UNSEEN")[1][0].split()) == already + 2


def test_a_new_uidvalidity_reads_the_mailbox_from_the_start(imap):
    imap.deliver(_raw(3))
    mailbox = Mailbox.from_url(imap.url)
    everything = fetch_new(mailbox, None, 0)
    again = fetch_new(mailbox, everything.uidvalidity + 1, 10**6)  # the server renumbered: our position means nothing
    assert [uid for uid, _ in again.mails] == [uid for uid, _ in everything.mails]


def test_at_most_limit_mails_per_poll(imap):
    for number in range(4, 8):
        imap.deliver(_raw(number))
    assert len(fetch_new(Mailbox.from_url(imap.url), None, 0, limit=3).mails) == 3


def test_a_wrong_password_or_a_closed_port_is_a_mailbox_error_that_never_shows_the_password(imap):
    wrong = Mailbox.from_url(imap.url.replace(PASSWORD, "not-the-password"))
    with pytest.raises(MailboxError) as refused:
        fetch_new(wrong, None, 0)
    assert "not-the-password" not in str(refused.value)
    closed = Mailbox.from_url(f"imap://{USER}:{PASSWORD}@127.0.0.1:1/INBOX")
    with pytest.raises(MailboxError, match="127.0.0.1:1"):
        fetch_new(closed, None, 0)
