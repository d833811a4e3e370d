"""The Chinese public holidays worth a greeting, for any year, from the `holidays` library. Pure.

A multi-day holiday is greeted on its first day; Spring Festival on the festival day itself (the
library lists the eve under another name); Qingming is a day of mourning and is never greeted.
"""
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class OccasionKind:
    slug: str
    library_name: str  # the holiday's en_US name in `holidays`
    wish_zh: str
    wish_en: str


KINDS = (
    OccasionKind("new_year", "New Year's Day", "元旦快乐", "Happy New Year"),
    OccasionKind("spring_festival", "Chinese New Year (Spring Festival)", "春节快乐", "Happy Spring Festival"),
    OccasionKind("labour_day", "Labor Day", "劳动节快乐", "Happy Labour Day"),
    OccasionKind("dragon_boat", "Dragon Boat Festival", "端午安康", "Best wishes for the Dragon Boat Festival"),
    OccasionKind("mid_autumn", "Mid-Autumn Festival", "中秋快乐", "Happy Mid-Autumn Festival"),
    OccasionKind("national_day", "National Day", "国庆快乐", "Happy National Day"),
)
_BY_NAME = {kind.library_name: kind for kind in KINDS}


@dataclass(frozen=True)
class Occasion:
    key: str  # stable across runs, e.g. "spring_festival:2027": part of the outbox dedupe key
    kind: str  # outbox kind: "holiday_greeting" or "promotion"
    day: date  # the day it is greeted (a promotion: the day it is announced)
    name: str
    wish_zh: str
    wish_en: str

    def wish(self, locale: str) -> str:
        return self.wish_zh if locale == "zh" else self.wish_en


def _names(label: str) -> list[str]:
    """One date may carry several holidays ("Mid-Autumn Festival; National Day"); "(estimated)" is dropped."""
    return [part.strip().removesuffix(" (estimated)") for part in label.split(";")]


@lru_cache(maxsize=64)
def holiday_occasions(year: int) -> tuple[Occasion, ...]:
    calendar = holidays.country_holidays("CN", years=year, language="en_US")
    first_days: dict[str, date] = {}
    for day, label in sorted(calendar.items()):
        for name in _names(label):
            kind = _BY_NAME.get(name)  # "(observed)" days and Qingming match no kind
            if kind and day.year == year and kind.slug not in first_days:
                first_days[kind.slug] = day
    return tuple(
        Occasion(key=f"{kind.slug}:{year}", kind="holiday_greeting", day=first_days[kind.slug], name=kind.library_name,
                 wish_zh=kind.wish_zh, wish_en=kind.wish_en)
        for kind in KINDS if kind.slug in first_days
    )


def occasions_on(day: date) -> list[Occasion]:
    return [occasion for occasion in holiday_occasions(day.year) if occasion.day == day]


def promotion_occasion(key: str, name: str, announce_day: date) -> Occasion:
    return Occasion(key=key, kind="promotion", day=announce_day, name=name, wish_zh=name, wish_en=name)
