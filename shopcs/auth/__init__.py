"""Logging in and who may do what: accounts, passwords, login throttling, API tokens and the role checks."""
