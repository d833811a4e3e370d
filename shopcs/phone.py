"""Phone numbers: parsed with the `phonenumbers` library (the buyer's country as the default region), masked in lists."""
import re

import phonenumbers


def normalize_phone(raw: str | None, region: str = "CN") -> tuple[str, bool]:
    """Return (the number to store, whether it is a valid number). Invalid ones are kept as given. `region`: the
    buyer's country (ISO 3166-1 alpha-2), for a number written without its country code. A mainland number is kept
    in its national form (13812345678), any other in E.164 (+12125550123)."""
    text = (raw or "").strip()
    if not text:
        return "", False
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text, False
    if not phonenumbers.is_valid_number(parsed):
        return text, False
    if parsed.country_code == 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "").replace("-", ""), True
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), True


def mask_phone(phone: str | None) -> str:
    """138****5678: enough to recognise a buyer, not enough to call them."""
    text = (phone or "").strip()
    if len(text) < 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def search_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def phone_search_key(term: str) -> str:
    """The stored phone a search term can match: the normalised number when it is valid, else the term's digits.
    A plain mainland mobile number (11 digits, 1[3-9]…) is both, so it is not parsed: it is what agents type most,
    and parsing it cost more than the search's database work."""
    if _MAINLAND_MOBILE.fullmatch(term):
        return term
    stored, valid = normalize_phone(term)
    return stored if valid else search_digits(term)
