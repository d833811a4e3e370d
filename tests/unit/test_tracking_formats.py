"""International carriers' tracking-number formats and the UPU S10 check digit; which carriers an address is offered;
reach lists that do not apply abroad; phones of buyers abroad. Pure: no app, no database."""
import pytest

from shopcs.orders.address import DEFAULT_EXCLUSIONS, carriers_not_reaching
from shopcs.orders.shipping import (
    CARRIERS,
    CHECK_DIGIT,
    DOMESTIC_CARRIERS,
    EMPTY,
    FORMAT,
    carrier_code,
    carriers_for,
    platform_flags,
    s10_check_digit,
    tracking_error,
    tracking_problem,
)
from shopcs.phone import mask_phone, normalize_phone


@pytest.mark.parametrize(("serial", "check"), [
    ("47312482", 9),  # AA473124829GB, the example of the S10 standard's description
    ("12345678", 5),  # 204 % 11 = 6 → 5
    ("10000014", 0),  # 45 % 11 = 1 → 10 → 0
    ("11111111", 5),  # 44 % 11 = 0 → 11 → 5
    ("98765432", 6),
])
def test_the_s10_check_digit_weights_the_serial_8_6_4_2_3_5_9_7(serial, check):
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize(("carrier", "number"), [
    ("UPS", "1Z999AA10123456784"), ("UPS", "1z999aa10123456784"), ("UPS", "1Z 999 AA1 0123 4567 84"),
    ("DHL", "1234567890"), ("FEDEX", "123456789012"), ("FEDEX", "123456789012345"),
    ("USPS", "94001118992233344455"), ("USPS", "940011189922333444556"), ("USPS", "9400111899223334445566"),
    ("USPS", "EE123456785US"), ("EMS", "EE123456785CN"), ("EMS", "LX100000140CN"), ("EMS", "RR111111115CN"),
    ("EMS", "AA473124829GB"), ("EMS", "1234567890123"), ("SF", "SF1234567890123"), ("OTHER", "YT-7788990011"),
])
def test_international_numbers_that_fit_their_carriers_format_pass(carrier, number):
    assert tracking_problem(carrier, number) is None and tracking_error(carrier, number) is None


@pytest.mark.parametrize(("carrier", "number", "problem"), [
    ("UPS", "1Z827WK74630", FORMAT),  # Shopify's sample fulfilment: 1Z and 10 characters, not 16
    ("UPS", "1Z999AA1012345678", FORMAT), ("UPS", "2Z999AA10123456784", FORMAT), ("UPS", "1Z999AA1012345678-", FORMAT),
    ("DHL", "123456789", FORMAT), ("DHL", "12345678901", FORMAT), ("DHL", "JD0123456789", FORMAT),
    ("FEDEX", "12345678901", FORMAT), ("FEDEX", "1234567890123", FORMAT), ("FEDEX", "1234567890123456789012", FORMAT),
    ("USPS", "9400111899223334445", FORMAT), ("USPS", "94001118992233344455667", FORMAT),
    ("USPS", "EE123456785CN", FORMAT), ("USPS", "EE123456784US", CHECK_DIGIT),
    ("EMS", "EE123456784CN", CHECK_DIGIT), ("EMS", "LX100000141CN", CHECK_DIGIT), ("EMS", "RR111111110CN", CHECK_DIGIT),
    ("EMS", "EE12345678CN", FORMAT), ("UPS", "  ", EMPTY),
])
def test_numbers_that_do_not_fit_are_named_by_what_is_wrong(carrier, number, problem):
    assert tracking_problem(carrier, number) == problem and tracking_error(carrier, number)


def test_the_check_digit_message_names_the_carrier():
    assert tracking_error("USPS", "EE123456784US") == "The check digit of this USPS number is wrong; please re-type it."


def test_a_domestic_address_is_offered_the_carriers_it_was_offered_before():
    assert carriers_for("CN") == carriers_for(None) == DOMESTIC_CARRIERS == (
        "SF", "ZTO", "YTO", "STO", "YUNDA", "JD", "EMS", "OTHER")


def test_an_address_abroad_is_offered_the_international_carriers_and_the_domestic_ones_that_ship_abroad():
    assert carriers_for("US") == ("SF", "EMS", "UPS", "DHL", "FEDEX", "USPS", "OTHER")
    assert all(CARRIERS[code].abroad for code in carriers_for("JP"))


def test_the_reach_lists_are_not_applied_to_an_address_abroad():
    assert carriers_not_reaching("西藏自治区", DEFAULT_EXCLUSIONS, "CN") == ["STO", "YTO", "YUNDA", "ZTO"]
    assert carriers_not_reaching("西藏自治区", DEFAULT_EXCLUSIONS, "US") == []
    assert carriers_not_reaching("Qinghai", {"UPS": ["Qinghai"]}, "AU") == []


@pytest.mark.parametrize(("name", "code"), [
    ("UPS", "UPS"), ("ups", "UPS"), ("United Parcel Service", "UPS"), ("DHL Express", "DHL"), ("DHL", "DHL"),
    ("FedEx", "FEDEX"), ("Federal Express", "FEDEX"), ("USPS", "USPS"), ("United States Postal Service", "USPS"),
    ("China Post", "EMS"),
])
def test_international_carriers_as_platforms_name_them_have_our_code(name, code):
    assert carrier_code(name) == code


@pytest.mark.parametrize("name", ["DHL eCommerce", "Yanwen", "Royal Mail", "4PX"])
def test_other_international_carriers_stay_unknown(name):
    assert carrier_code(name) is None


def test_shopifys_sample_ups_fulfilment_is_known_by_its_carrier_and_flagged_for_its_number():
    assert platform_flags("UPS", "1Z827WK74630", known_carrier=True) == ["format"]
    assert platform_flags("UPS", "1Z999AA10123456784", known_carrier=True) == []


@pytest.mark.parametrize(("raw", "region", "stored"), [
    ("(212) 555-0123", "US", "+12125550123"), ("212-555-0123", "US", "+12125550123"),
    ("+1 212 555 0123", "CN", "+12125550123"),  # written with its country code: the region does not matter
    ("03-1234-5678", "JP", "+81312345678"), ("090-1234-5678", "JP", "+819012345678"),
    ("13812345678", "CN", "13812345678"), ("+86 138 1234 5678", "US", "13812345678"),
])
def test_a_phone_is_parsed_with_the_buyers_country_as_the_default_region(raw, region, stored):
    assert normalize_phone(raw, region) == (stored, True)


def test_the_same_digits_are_another_number_in_another_country():
    assert normalize_phone("212-555-0123", "US") == ("+12125550123", True)
    assert normalize_phone("212-555-0123", "CN") == ("02125550123", True)  # a Shanghai line (021)


def test_a_phone_abroad_is_masked_like_a_mainland_one():
    assert mask_phone("+12125550123") == "+12*****0123"
    assert mask_phone("+819012345678") == "+81******5678"
