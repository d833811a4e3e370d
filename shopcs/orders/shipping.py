"""Carriers, where they ship and their tracking-number formats. Pure: used by forms, the API and the tests.

Domestic carriers ship inside China and have province reach lists (address.py); the international ones ship to
an address abroad and have no reach list. SF (SF International) and China Post EMS do both.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..countries import is_abroad


@dataclass(frozen=True)
class Carrier:
    code: str
    name_zh: str
    name_en: str
    pattern: str
    example: str
    economy: bool = False
    check: Callable[[str], bool] | None = None  # a check digit, for a number that fits `pattern`
    domestic: bool = True  # ships inside China (and so has a province reach list)
    abroad: bool = False  # ships to an address outside China


UNKNOWN_CARRIER, FORMAT, SEVERAL_NUMBERS, CANCELLED = "unknown_carrier", "format", "several_numbers", "cancelled"
FLAGS = (UNKNOWN_CARRIER, FORMAT, SEVERAL_NUMBERS, CANCELLED)
SOURCES = ("shopcs", "api", "shopify")  # the ship form, the shipments API, Shopify's fulfilment webhooks

_S10 = r"[A-Z]{2}\d{9}[A-Z]{2}"  # UPU S10: service indicator, serial number, check digit, country of origin
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an eight-digit serial number."""
    check = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_check_digit_ok(number: str) -> bool:
    """True for a number that is not S10-shaped (the carrier's other formats have no check digit here)."""
    if not re.fullmatch(_S10, number):
        return True
    return int(number[10]) == s10_check_digit(number[2:10])


CARRIERS = {
    c.code: c
    for c in (
        Carrier("SF", "顺丰速运", "SF Express", r"SF\d{13}|\d{12}", "SF1234567890123", abroad=True),
        Carrier("ZTO", "中通快递", "ZTO Express", r"\d{12,15}", "773012345678901", economy=True),
        Carrier("YTO", "圆通速递", "YTO Express", r"YT\d{13}", "YT1234567890123", economy=True),
        Carrier("STO", "申通快递", "STO Express", r"\d{12,13}", "7730123456789", economy=True),
        Carrier("YUNDA", "韵达快递", "Yunda Express", r"\d{13}|\d{15}", "4312345678901", economy=True),
        Carrier("JD", "京东物流", "JD Logistics", r"JD[0-9A-Z]{11,13}", "JDVA12345678901"),
        Carrier("EMS", "中国邮政 EMS", "China Post EMS", rf"{_S10}|\d{{13}}", "EA123456785CN", check=s10_check_digit_ok,
                abroad=True),
        # International: UPS 1Z + shipper, service and parcel (16 letters or digits); DHL Express waybills 10 digits;
        # FedEx Express 12 and Ground 15 digits (SmartPost / Ground Economy numbers are USPS's: enter them as USPS);
        # USPS 20-22 digits (IMpb, without the routing code) or an international S10 number ending in US.
        Carrier("UPS", "UPS", "UPS", r"1Z[0-9A-Z]{16}", "1Z999AA10123456784", domestic=False, abroad=True),
        Carrier("DHL", "DHL 国际快递", "DHL Express", r"\d{10}", "1234567890", domestic=False, abroad=True),
        Carrier("FEDEX", "联邦快递 FedEx", "FedEx", r"\d{12}|\d{15}", "123456789012", domestic=False, abroad=True),
        Carrier("USPS", "美国邮政 USPS", "USPS", r"\d{20,22}|[A-Z]{2}\d{9}US", "9400111899223334445566",
                check=s10_check_digit_ok, domestic=False, abroad=True),
        Carrier("OTHER", "其他", "Other", r"[A-Z0-9-]{6,30}", "ABC123456", abroad=True),
    )
}
DOMESTIC_CARRIERS = tuple(code for code, carrier in CARRIERS.items() if carrier.domestic)


def carriers_for(country: str | None) -> tuple[str, ...]:
    """The carriers the ship form offers for an address in `country`: the domestic ones at home, else those
    that ship abroad."""
    if is_abroad(country):
        return tuple(code for code, carrier in CARRIERS.items() if carrier.abroad)
    return DOMESTIC_CARRIERS


def normalize_tracking(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


EMPTY, CHECK_DIGIT = "empty", "check_digit"  # tracking_problem's answers besides FORMAT


def tracking_problem(code: str, tracking_no: str) -> str | None:
    """What is wrong with a tracking number for a known carrier: EMPTY, FORMAT or CHECK_DIGIT; None when it fits."""
    carrier, number = CARRIERS[code], normalize_tracking(tracking_no)
    if not number:
        return EMPTY
    if not re.fullmatch(carrier.pattern, number):
        return FORMAT
    if carrier.check is not None and not carrier.check(number):
        return CHECK_DIGIT
    return None


def tracking_error(code: str, tracking_no: str) -> str | None:
    """None when the number fits the carrier's format; otherwise a message the agent can act on (English: the
    pages say it in the reader's language from tracking_problem)."""
    carrier = CARRIERS.get(code)
    if carrier is None:
        return "Unknown carrier."
    problem = tracking_problem(code, tracking_no)
    if problem == EMPTY:
        return "Enter the tracking number."
    if problem == FORMAT:
        return f"This does not look like a {carrier.name_en} tracking number (example: {carrier.example})."
    if problem == CHECK_DIGIT:
        return f"The check digit of this {carrier.name_en} number is wrong; please re-type it."
    return None


# Carrier names as platforms and ERPs write them (Shopify's tracking companies, Chinese short names), lower-cased
# with single spaces, to our codes. A name not here is kept as the platform wrote it, under OTHER, and flagged.
_CARRIER_NAMES = {
    "SF": ("sf", "sf express", "sf international", "sfexpress", "s.f. express", "顺丰", "顺丰速运", "顺丰快递"),
    "ZTO": ("zto", "zto express", "中通", "中通快递"),
    "YTO": ("yto", "yto express", "圆通", "圆通速递", "圆通快递"),
    "STO": ("sto", "sto express", "申通", "申通快递"),
    "YUNDA": ("yunda", "yunda express", "韵达", "韵达快递", "韵达速递"),
    "JD": ("jd", "jd logistics", "jd express", "jingdong", "京东", "京东物流", "京东快递"),
    "EMS": ("ems", "china ems", "china post", "china post ems", "china ems (epacket)", "epacket", "中国邮政",
            "中国邮政 ems", "邮政", "邮政ems", "邮政 ems"),
    "UPS": ("ups", "united parcel service", "ups express", "联合包裹"),
    "DHL": ("dhl", "dhl express", "dhl international", "敦豪"),  # not DHL eCommerce: other numbers
    "FEDEX": ("fedex", "fed ex", "federal express", "fedex express", "fedex ground", "联邦快递"),
    "USPS": ("usps", "united states postal service", "us postal service", "美国邮政"),
}
_BY_NAME = {name: code for code, names in _CARRIER_NAMES.items() for name in names}


def carrier_code(name: str) -> str | None:
    """Our code for a carrier as a platform names it (or our own code, any case); None when we do not know it."""
    key = re.sub(r"\s+", " ", (name or "").strip()).lower()
    if key.upper() in CARRIERS and key.upper() != "OTHER":
        return key.upper()
    return _BY_NAME.get(key)


def platform_flags(code: str, tracking_no: str, known_carrier: bool) -> list[str]:
    """Why a shipment the platform reports needs a person's look (it is taken all the same): reason codes."""
    flags = [] if known_carrier else [UNKNOWN_CARRIER]
    if tracking_error(code, tracking_no) is not None:
        flags.append(FORMAT)
    return flags
