"""Who did what and when, with the values before and after: the audit log, its search, page and action labels."""
