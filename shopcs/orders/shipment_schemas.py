"""The shipment endpoint's body, declared once: the view checks requests with it and the API description shows it.
What a carrier name maps to and when a number is flagged is shipment_intake's rule."""
from flask_babel import lazy_gettext as _l

from ..apischema.shapes import obj, text, time

SHIPMENT_BODY = obj({
    "carrier": text(100, required=True, examples=["SF"], description=_l(
        "Our carrier code (SF, ZTO, YTO, STO, YUNDA, JD, EMS, UPS, DHL, FEDEX, USPS) or the carrier's name "
        "as the platform writes it (\"SF Express\", \"China Post\", \"DHL Express\", \"顺丰\"); a carrier ShopCS does not "
        "know is kept by its name and flagged.")),
    "tracking_no": text(40, required=True, examples=["SF1234567890123"], description=_l(
        "Spaces are dropped and letters upper-cased. A number that does not match the carrier's format is taken "
        "and flagged for a look, not refused.")),
    "shipped_at": time(description=_l("When the parcel left; not in the future.")),
}, required=("carrier", "tracking_no", "shipped_at"))
