"""Operator reports: refund rate (and, later, unpaid recovery and repurchase) over windows of shop-local days."""
