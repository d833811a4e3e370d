"""The follow-up settings as a value: cadence, quiet hours, greetings and templates. Pure, no database."""
from dataclasses import dataclass, field, fields
from datetime import datetime, time, timedelta
from types import MappingProxyType

from .texts import DEFAULT_TEMPLATES

LOCALES = ("zh", "en")


@dataclass(frozen=True)
class FollowupSettings:
    first_reminder_minutes: int = 30
    second_reminder_hours: int = 12
    max_reminders: int = 2  # per order, counting reminders an agent sent by hand
    auto_close_hours: int = 72  # Taobao keeps an unpaid order open 72 h: closing sooner would refuse real payments
    quiet_start: time = time(22)
    quiet_end: time = time(8)
    greeting_send_time: time = time(10)
    repeat_window_days: int = 365
    greeting_gap_days: int = 7
    locale: str = "zh"  # the language of messages to buyers
    shop_name: str = ""  # {shop_name} in Chinese messages; empty means "本店"
    shop_name_en: str = ""  # {shop_name} in English messages; empty means the Chinese name, else "our shop"
    notify_platform_shipments: bool = False
    # A campaign window (11.11 00:00–02:00): local wall-clock datetimes in the shop's zone, naive; inside it the
    # quiet hours do not hold back payment reminders. None when no campaign is set.
    campaign_start: datetime | None = None
    campaign_end: datetime | None = None  # the platform usually told the buyer already (shipment_intake)
    templates: MappingProxyType = field(default_factory=lambda: MappingProxyType(dict(DEFAULT_TEMPLATES)))

    @property
    def auto_close(self) -> timedelta:
        return timedelta(hours=self.auto_close_hours)

    def step_offsets(self) -> list[timedelta]:
        """Automatic reminder steps (1, 2, …) as time after placing; never more steps than the cap."""
        offsets = [timedelta(minutes=self.first_reminder_minutes), timedelta(hours=self.second_reminder_hours)]
        return offsets[: max(self.max_reminders, 0)]

    def shop_name_for(self, locale: str) -> str:
        """The name a message in `locale` gives the shop ("" when none is set: texts.SHOP_NAME_FALLBACK)."""
        return (self.shop_name_en or self.shop_name) if locale == "en" else self.shop_name

    def template(self, kind: str, locale: str | None = None) -> str:
        locale = locale or self.locale
        return self.templates.get((kind, locale)) or DEFAULT_TEMPLATES[(kind, locale)]


SCALAR_FIELDS = tuple(f.name for f in fields(FollowupSettings) if f.name != "templates")
