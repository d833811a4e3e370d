"""Erasing a buyer's personal data on request or after a retention period (China's PIPL, the GDPR), keeping what the
reports count: rules.py says what goes and what stays, erase.py does it in one transaction."""
