"""Holiday occasions for any year come from the `holidays` library; these pin 2026–2030 and the wording."""
from datetime import date

import holidays
import pytest

from shopcs.followup.occasions import holiday_occasions, occasions_on

EXPECTED = {  # first day of each holiday as the library lists it (checked by hand against the State Council notices)
    2026: {"new_year": "2026-01-01", "spring_festival": "2026-02-17", "labour_day": "2026-05-01",
           "dragon_boat": "2026-06-19", "mid_autumn": "2026-09-25", "national_day": "2026-10-01"},
    2027: {"new_year": "2027-01-01", "spring_festival": "2027-02-06", "labour_day": "2027-05-01",
           "dragon_boat": "2027-06-09", "mid_autumn": "2027-09-15", "national_day": "2027-10-01"},
    2028: {"new_year": "2028-01-01", "spring_festival": "2028-01-26", "labour_day": "2028-05-01",
           "dragon_boat": "2028-05-28", "mid_autumn": "2028-10-03", "national_day": "2028-10-01"},
    2029: {"new_year": "2029-01-01", "spring_festival": "2029-02-13", "labour_day": "2029-05-01",
           "dragon_boat": "2029-06-16", "mid_autumn": "2029-09-22", "national_day": "2029-10-01"},
    2030: {"new_year": "2030-01-01", "spring_festival": "2030-02-03", "labour_day": "2030-05-01",
           "dragon_boat": "2030-06-05", "mid_autumn": "2030-09-12", "national_day": "2030-10-01"},
}


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_occasion_dates_for_2026_to_2030(year):
    found = {occasion.key.split(":")[0]: occasion.day.isoformat() for occasion in holiday_occasions(year)}
    assert found == EXPECTED[year]


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_every_occasion_day_is_a_holiday_in_the_library(year):
    calendar = holidays.country_holidays("CN", years=year)
    for occasion in holiday_occasions(year):
        assert occasion.day in calendar


def test_known_real_dates():
    days = {o.key: o.day for year in (2026, 2027) for o in holiday_occasions(year)}
    assert days["spring_festival:2026"] == date(2026, 2, 17)  # 马年春节, not the eve (02-16)
    assert days["spring_festival:2027"] == date(2027, 2, 6)
    assert days["mid_autumn:2026"] == date(2026, 9, 25)
    assert days["dragon_boat:2026"] == date(2026, 6, 19)


def test_spring_festival_is_greeted_on_the_day_not_the_eve():
    assert occasions_on(date(2026, 2, 16)) == []
    assert [o.key for o in occasions_on(date(2026, 2, 17))] == ["spring_festival:2026"]


def test_a_multi_day_holiday_is_greeted_on_its_first_day_only():
    assert [o.key for o in occasions_on(date(2026, 10, 1))] == ["national_day:2026"]
    assert occasions_on(date(2026, 10, 2)) == [] and occasions_on(date(2026, 5, 2)) == []


def test_qingming_is_never_an_occasion():
    for year in range(2026, 2031):
        qingming = [day for day, name in holidays.country_holidays("CN", years=year, language="en_US").items()
                    if "Tomb-Sweeping" in name]
        assert qingming and all(occasions_on(day) == [] for day in qingming)
        assert not any("qingming" in o.key or "Tomb" in o.name for o in holiday_occasions(year))


def test_a_day_shared_by_two_holidays_gives_the_one_that_starts_there():
    assert [o.key for o in occasions_on(date(2028, 10, 3))] == ["mid_autumn:2028"]


def test_dragon_boat_is_wished_good_health_not_happiness():
    dragon_boat = next(o for o in holiday_occasions(2026) if o.key == "dragon_boat:2026")
    assert dragon_boat.wish("zh") == "端午安康" and "快乐" not in dragon_boat.wish("zh")


def test_keys_are_stable_and_cover_years_beyond_any_table():
    assert [o.key for o in holiday_occasions(2041)] == [o.key for o in holiday_occasions(2041)]
    assert {o.key.split(":")[1] for o in holiday_occasions(2041)} == {"2041"} and len(holiday_occasions(2041)) == 6
