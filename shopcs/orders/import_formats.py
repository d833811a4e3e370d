"""The order file formats the CLI and the upload page accept, and the one call that imports a file of either."""
from datetime import datetime

from ..actor import Actor
from .csv_import import ImportReport, import_orders_csv
from .taobao_import import import_taobao_export

FORMATS = ("shopcs", "taobao")


def import_orders_file(file_format: str, data: bytes, actor: Actor, now: datetime, zone: str) -> ImportReport:
    """`zone` is the shop's time zone: the Taobao export's times carry no offset."""
    if file_format == "taobao":
        return import_taobao_export(data, actor, now, zone)
    if file_format == "shopcs":
        return import_orders_csv(data, actor, now, zone)
    raise ValueError(f"unknown order file format: {file_format}")
