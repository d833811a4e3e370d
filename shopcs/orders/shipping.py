"""Carriers and their tracking-number formats. Pure: used by forms, the API and the tests."""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Carrier:
    code: str
    name_zh: str
    name_en: str
    pattern: str
    example: str
    economy: bool = False


CARRIERS = {
    c.code: c
    for c in (
        Carrier("SF", "顺丰速运", "SF Express", r"SF\d{13}|\d{12}", "SF1234567890123"),
        Carrier("ZTO", "中通快递", "ZTO Express", r"\d{12,15}", "773012345678901", economy=True),
        Carrier("YTO", "圆通速递", "YTO Express", r"YT\d{13}", "YT1234567890123", economy=True),
        Carrier("STO", "申通快递", "STO Express", r"\d{12,13}", "7730123456789", economy=True),
        Carrier("YUNDA", "韵达快递", "Yunda Express", r"\d{13}|\d{15}", "4312345678901", economy=True),
        Carrier("JD", "京东物流", "JD Logistics", r"JD[0-9A-Z]{11,13}", "JDVA12345678901"),
        Carrier("EMS", "中国邮政 EMS", "China Post EMS", r"[A-Z]{2}\d{9}[A-Z]{2}|\d{13}", "EA123456785CN"),
        Carrier("OTHER", "其他", "Other", r"[A-Z0-9-]{6,30}", "ABC123456"),
    )
}

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def normalize_tracking(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def s10_check_digit_ok(number: str) -> bool:
    """UPU S10 (EMS international style: EA123456785CN): the ninth digit checks the first eight."""
    digits = number[2:11]
    total = sum(int(d) * w for d, w in zip(digits[:8], _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return int(digits[8]) == check


def tracking_error(carrier_code: str, tracking_no: str) -> str | None:
    """None when the number fits the carrier's format; otherwise a message the agent can act on."""
    carrier = CARRIERS.get(carrier_code)
    if carrier is None:
        return "Unknown carrier."
    number = normalize_tracking(tracking_no)
    if not number:
        return "Enter the tracking number."
    if not re.fullmatch(carrier.pattern, number):
        return f"This does not look like a {carrier.name_en} tracking number (example: {carrier.example})."
    if carrier.code == "EMS" and len(number) == 13 and number[:2].isalpha() and not s10_check_digit_ok(number):
        return "The check digit of this EMS number is wrong; please re-type it."
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
}
_BY_NAME = {name: code for code, names in _CARRIER_NAMES.items() for name in names}
UNKNOWN_CARRIER, FORMAT, SEVERAL_NUMBERS, CANCELLED = "unknown_carrier", "format", "several_numbers", "cancelled"
FLAGS = (UNKNOWN_CARRIER, FORMAT, SEVERAL_NUMBERS, CANCELLED)
SOURCES = ("shopcs", "api", "shopify")  # the ship form, the shipments API, Shopify's fulfilment webhooks


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
