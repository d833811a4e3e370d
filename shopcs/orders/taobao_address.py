"""Split the export's one-string 收货地址 ("省 市 区 详细地址(邮编)") into ShopCS's address fields. Pure."""
import re

MUNICIPALITIES = ("北京", "上海", "天津", "重庆")  # 直辖市: province and city are the same place
DISTRICT_ENDINGS = ("区", "县", "市", "旗", "镇", "乡", "街道")  # county level, or the town where a city has no districts
_POSTCODE = re.compile(r"\s*[(（]\s*(\d{6})\s*[)）]\s*$")


class AddressError(ValueError):
    """The address cannot be split into province, city and detail."""


def _municipality(part: str) -> str | None:
    name = part.removesuffix("市")
    return name if name in MUNICIPALITIES else None


def split_address(text: str) -> dict:
    """Space-separated parts: 省 市 区 then the street address (which may hold spaces of its own).

    A 直辖市 may come without its city part ("上海市 浦东新区 …"): the city is then the municipality itself.
    The third part is the district only when it reads like one: "广东省 东莞市 长安镇振安路 2 号" (a city without
    districts, or an export without the part) keeps the district blank and the whole street address as detail.
    A trailing "(310000)" is the postal code.
    """
    match = _POSTCODE.search(text)
    postal_code = match.group(1) if match else ""
    parts = (text[:match.start()] if match else text).split()
    if parts and (city := _municipality(parts[0])) and (len(parts) < 2 or _municipality(parts[1]) != city):
        parts.insert(1, city + "市")
    if len(parts) < 3:
        raise AddressError("must read 省 市 区 详细地址 with spaces between the parts")
    province, city, *rest = parts
    district = rest.pop(0) if len(rest) > 1 and rest[0].endswith(DISTRICT_ENDINGS) else ""
    detail = " ".join(rest)
    return {"province": province, "city": city, "district": district, "detail": detail, "postal_code": postal_code}
