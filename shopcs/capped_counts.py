"""Counts that stop at a cap: a busy tab shows "999+" instead of counting every open order on every page view.

Counting the first COUNT_CAP rows of a group costs the same at a thousand open orders as at a million, and it is
read from the rows themselves, so it cannot drift the way a counter kept on every write can (a raw SQL sweep or a
migration that forgets to keep it). Below the cap the count is exact. Nothing here knows SQL or Flask: the
statements that count (`LIMIT :cap` inside a count) live with their queries.
"""
COUNT_CAP = 1000  # a count reads at most this many rows: up to 999 it is exact, 1000 means "999 and more"


def is_capped(counted: int, cap: int = COUNT_CAP) -> bool:
    """Whether a count stopped at its cap, so that there may be more rows than it says."""
    return counted >= cap


def shown_count(counted: int, cap: int = COUNT_CAP) -> str:
    """What a tab's badge says: the number, or "999+" once the count stopped at the cap (the same in every language,
    as 99+ is on a phone's icons)."""
    return f"{cap - 1}+" if is_capped(counted, cap) else str(counted)


def at_least(counted: int, cap: int = COUNT_CAP) -> int:
    """The number a capped count may promise ("more than 999"): one less than the rows it counted."""
    return counted - 1 if is_capped(counted, cap) else counted
