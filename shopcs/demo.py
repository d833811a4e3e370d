"""`flask demo seed`: demo users and a few hundred orders in every state."""
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
