"""/api/v1/ order and refund endpoints for the shop's platform."""
from flask import Blueprint

bp = Blueprint("orders_api", __name__, url_prefix="/api/v1")
