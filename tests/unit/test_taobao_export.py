"""Reading a Taobao / Tmall order export: encoding, the export's cell wrappers, the header, line numbers."""
from pathlib import Path

import pytest

from shopcs.orders.taobao_export import ExportError, clean_cell, decode_export, missing_columns, read_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "taobao"
HEADER = "订单编号,买家会员名,买家应付货款,订单状态,收货人姓名,收货地址 ,订单创建时间,订单付款时间 ,宝贝标题 "


def test_the_gbk_fixture_is_the_utf8_fixture_in_the_back_offices_encoding():
    gbk = (FIXTURES / "ExportOrderList_gbk.csv").read_bytes()
    utf8 = (FIXTURES / "ExportOrderList_utf8_bom.csv").read_bytes()
    assert utf8.startswith(b"\xef\xbb\xbf") and not gbk.startswith(b"\xef\xbb\xbf")
    assert decode_export(gbk) == decode_export(utf8) == utf8.decode("utf-8-sig")
    assert decode_export(gbk).startswith("订单编号,买家会员名")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_utf8_with_or_without_bom_and_gbk_are_detected(encoding):
    text = "订单编号,收货地址\n1,浙江省 杭州市 西湖区 文三路 100 号\n"
    assert decode_export(text.encode(encoding)) == text


def test_a_file_that_is_neither_utf8_nor_gbk_is_refused_with_a_clear_reason():
    with pytest.raises(ExportError, match="neither UTF-8 nor GBK"):
        decode_export("订单编号\n1\n".encode("utf-16"))  # what Excel's "Unicode text" saves


@pytest.mark.parametrize(("cell", "clean"), [
    ('="3051234567890123451"', "3051234567890123451"),
    ('="3051234567890123452\t"', "3051234567890123452"),
    ("\t=\"123\"  ", "123"),
    ("'13812345678", "13812345678"),
    (" 李四 ", "李四"),
    ('"quoted"', "quoted"),
    ("a = b", "a = b"),
    ("", ""),
])
def test_the_exports_text_wrappers_are_removed(cell, clean):
    assert clean_cell(cell) == clean


def test_header_names_are_trimmed_and_newer_names_are_read_as_the_classic_ones():
    rows = read_rows(HEADER.replace("宝贝标题 ", "商品标题") + "\n1,李四,9.00,交易成功,李四,地址,t,t,围巾\n")
    assert rows[0].values["收货地址"] == "地址" and rows[0].values["宝贝标题"] == "围巾"


def test_a_file_without_the_order_columns_is_refused_as_a_whole():
    with pytest.raises(ExportError, match="not a Taobao / Tmall order export.*收货地址"):
        read_rows("订单编号,买家会员名\n1,李四\n")
    assert missing_columns(["订单编号"])[-1] == "买家应付货款 / 买家实际支付金额"
    assert "买家应付货款 / 买家实际支付金额" not in missing_columns(["买家实际支付金额"])


def test_each_row_knows_the_file_line_it_starts_on_across_quoted_line_breaks_and_blank_lines():
    text = HEADER + '\r\n1,a,1,s,r,x,t,t,"line one\r\nline two"\r\n\r\n2,b,1,s,r,x,t,t,z\r\n'
    assert [(row.line, row.values["订单编号"]) for row in read_rows(text)] == [(2, "1"), (5, "2")]


def test_a_row_with_too_few_values_is_marked_but_blank_trailing_cells_are_harmless():
    rows = read_rows(HEADER + "\n1,a,1,s,r,x,t,t,z,,\n2,b,1\n3,c,1,s,r,x,t,t,z,extra\n")
    assert [row.problem for row in rows] == [None, "has 3 values; the header has 9", "has 10 values; the header has 9"]


def test_a_file_the_csv_reader_cannot_read_is_refused_with_its_line():
    with pytest.raises(ExportError, match="Line 3: the file is not valid CSV"):
        read_rows(HEADER + '\n1,a,1,s,r,x,t,t,z\n2,"' + "x" * 200_000 + '"\n')  # past the csv module's field limit
