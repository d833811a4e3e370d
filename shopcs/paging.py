"""Reading ?page= on the pages that list things."""
MAX_PAGE = 1_000_000  # far beyond any real list; a larger number would overflow the database's integers


def page_number(args) -> int:
    """The requested page: 1 when missing, not a number or below 1, and never above MAX_PAGE."""
    return min(max(args.get("page", 1, type=int), 1), MAX_PAGE)
