"""The shop's stored settings: one row per (area, key), the value as JSON text, so a changed default or a new
setting needs no schema change. Each area parses and validates its own values (followup.settings, cases.settings,
reports.alerts); this table only keeps them."""
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db

# Which area a row belongs to. "shop" holds what every area reads (the buyers' language, the shop's name, whether
# platform shipments are announced); the follow-up page edits those together with its own.
AREAS = ("shop", "followup", "cases", "alerts")
SHOP_KEYS = ("locale", "shop_name", "shop_name_en", "notify_platform_shipments")


class ShopSetting(db.Model):
    __tablename__ = "shop_settings"

    area: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
