"""Where the poller stands in each IMAP mailbox: the last UID it handled under the mailbox's UIDVALIDITY (both
unsigned 32-bit numbers in IMAP, hence BigInteger)."""
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db


class MailboxPosition(db.Model):
    __tablename__ = "mailbox_positions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(300), unique=True)  # user@host:port/folder — never the password
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)  # None: the last poll read the mailbox
