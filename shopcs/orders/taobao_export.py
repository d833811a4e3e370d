"""Read a Taobao / Tmall seller back-office order export (千牛 / 卖家中心 → 导出订单) into cleaned rows.

Pure: bytes in, rows out. The export is GBK by default (UTF-8 when re-saved), one row per order,
Chinese headers that sometimes carry trailing spaces ("收货地址 "), and cells wrapped so that Excel
keeps long numbers as text: ="1234567890123456789" for order numbers, '13812345678 for phones.
"""
import csv
import io
from dataclasses import dataclass

ENCODINGS = ("utf-8-sig", "gb18030")  # strict UTF-8 first: GBK bytes of Chinese text are almost never valid UTF-8
GOODS_COLUMNS = ("买家应付货款", "买家实际支付金额")  # the goods amount comes from the first one the file has
REQUIRED_COLUMNS = ("订单编号", "买家会员名", "订单状态", "收货人姓名", "收货地址", "订单创建时间", "订单付款时间", "宝贝标题")
ALIASES = {"买家实付金额": "买家实际支付金额", "商品标题": "宝贝标题"}  # the names newer exports use


class ExportError(ValueError):
    """The file as a whole cannot be read; nothing of it is imported."""


@dataclass(frozen=True)
class ExportRow:
    line: int  # the file's line where the row starts; the header is line 1
    values: dict  # canonical column name → cleaned text
    problem: str | None = None  # about the row's shape, before any value is looked at


def decode_export(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExportError("The file is neither UTF-8 nor GBK (GB18030) text; export it again from the seller back office "
                      "and upload the .csv file as it was downloaded.")


def clean_cell(value: str) -> str:
    """Undo the export's text wrappers: ="…" around numbers, a leading ' on phones, tabs and spaces around."""
    text = value.strip()
    if text.startswith('="'):
        text = text[1:].strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


def column_name(header_cell: str) -> str:
    name = clean_cell(header_cell)
    return ALIASES.get(name, name)


def missing_columns(header: list[str]) -> list[str]:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if not any(name in header for name in GOODS_COLUMNS):
        missing.append(" / ".join(GOODS_COLUMNS))
    return missing


def read_rows(text: str) -> list[ExportRow]:
    """Every non-blank row after the header, or ExportError for a file that is not an order export."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column_name(cell) for cell in next(reader, [])]
        missing = missing_columns(header)
        if missing:
            raise ExportError(f"This is not a Taobao / Tmall order export: the header row lacks {', '.join(missing)}.")
        rows, start = [], reader.line_num + 1
        for values in reader:
            if any(value.strip() for value in values):
                rows.append(_row(start, header, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ExportError(f"Line {reader.line_num}: the file is not valid CSV ({exc}).") from exc
    return rows


def _row(line: int, header: list[str], values: list[str]) -> ExportRow:
    cleaned = [clean_cell(value) for value in values]
    problem = None
    if len(cleaned) < len(header) or any(cleaned[len(header):]):  # blank cells after the last column are harmless
        problem = f"has {len(values)} values; the header has {len(header)}"
    mapping = {}
    for name, value in zip(header, cleaned, strict=False):
        mapping.setdefault(name, value)  # a repeated header keeps its first column
    return ExportRow(line, mapping, problem)
