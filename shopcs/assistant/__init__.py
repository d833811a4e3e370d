"""The assistant: sorts each buyer message into a case category, offline, on the shop's own data (issue 18)."""
