"""Whether a carrier reaches an address: a per-carrier list of provinces it does not serve. Pure.

The lists are Chinese provinces of domestic carriers: an address abroad is not checked against them.
"""
from ..countries import is_abroad

# Remote western regions that economy couriers commonly do not serve (or serve only at extra cost).
DEFAULT_EXCLUSIONS = {
    code: ("西藏自治区", "新疆维吾尔自治区", "青海省")
    for code in ("ZTO", "YTO", "STO", "YUNDA")
}

PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def province_key(name: str) -> str:
    """'新疆维吾尔自治区', '新疆' and ' 新疆 ' all name the same province."""
    text = (name or "").strip()
    for suffix in PROVINCE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def carrier_reaches(province: str, excluded_provinces: list[str]) -> bool:
    key = province_key(province)
    return all(province_key(p) != key for p in excluded_provinces)


def carriers_not_reaching(province: str, exclusions: dict[str, list[str]], country: str) -> list[str]:
    """The carriers whose lists hold the province of an address in China; none for an address abroad."""
    if is_abroad(country):
        return []
    return sorted(code for code, provinces in exclusions.items() if not carrier_reaches(province, provinces))
