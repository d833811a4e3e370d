"""Phone numbers: parsed with the `phonenumbers` library (region CN), masked in lists."""
import phonenumbers


def normalize_phone(raw: str | None) -> tuple[str, bool]:
    """Return (the number to store, whether it is a valid number). Invalid ones are kept as given."""
    text = (raw or "").strip()
    if not text:
        return "", False
    try:
        parsed = phonenumbers.parse(text, "CN")
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
