"""The supervisors' review: complaints with their follow-up and the missed first-response targets (read-only pages)."""
