"""The case queue: its tabs, counts, search and filters as SQL, and its rows as HTML."""
