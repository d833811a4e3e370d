"""`flask orders ...` commands."""
from flask.cli import AppGroup

orders_cli = AppGroup("orders", help="Import and inspect orders.")
