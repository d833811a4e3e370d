"""Shop settings: the one table every area (shop, follow-up, cases, alerts) keeps its stored values in."""
