"""Importing the Taobao / Tmall order export fixtures (GBK and UTF-8) through the service and `flask orders import`."""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.orders.models import Customer, Order, OrderItem
from shopcs.orders.taobao_import import import_taobao_export

from ..builders import NOW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "taobao"
GBK, UTF8 = FIXTURES / "ExportOrderList_gbk.csv", FIXTURES / "ExportOrderList_utf8_bom.csv"
GOOD = ["3051234567890123451", "3051234567890123452", "3051234567890123454", "3051234567890123455", "3051234567890123457"]
BAD = {(5, "3051234567890123453", "订单状态"), (8, "3051234567890123456", "买家应付货款")}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def order(order_no) -> Order:
    return db.session.scalar(select(Order).where(Order.order_no == order_no))


def run(path: Path):
    return import_taobao_export(path.read_bytes(), Actor.system("taobao-import"), NOW, "Asia/Shanghai")


def run_text(text: str):
    return import_taobao_export(text.encode("gbk"), Actor.system("taobao-import"), NOW, "Asia/Shanghai")


@pytest.mark.parametrize("path", [GBK, UTF8], ids=["gbk", "utf8-bom"])
def test_the_good_rows_are_imported_and_the_bad_ones_reported_by_line_with_nothing_written(app, path):
    report = run(path)
    assert sorted(report.created) == GOOD and report.updated == [] and report.file_error is None
    assert sorted(report.failed) == ["3051234567890123453", "3051234567890123456"]
    assert {(e.line, e.order_no, e.column) for e in report.errors} == BAD
    assert "退款中" in next(e.reason for e in report.errors if e.line == 5)
    assert count(Order) == 5 and count(OrderItem) == 5
    assert db.session.scalars(select(Customer.external_id).order_by(Customer.external_id)).all() == sorted(
        ["李四", "王五", "孙七", "周八", "郑十"])
    assert order("3051234567890123453") is None and order("3051234567890123456") is None


def test_each_row_becomes_the_order_the_api_would_have_made(app):
    run(GBK)
    paid = order("3051234567890123451")
    assert (paid.status, str(paid.items_total), str(paid.shipping_fee), str(paid.total)) == ("paid", "99.00", "10.00", "109.00")
    assert [(i.sku, i.title, i.quantity) for i in paid.items] == [("TAOBAO", "羊毛围巾，针织手套", 1)]
    address = (paid.province, paid.city, paid.district, paid.detail, paid.postal_code)
    assert address == ("浙江省", "杭州市", "西湖区", "文三路 100 号", "310000")
    assert paid.phone_valid and "13812345678" in paid.phone
    assert paid.paid_at.replace(tzinfo=timezone.utc) == datetime(2026, 3, 4, 1, 5, tzinfo=timezone.utc)
    done = order("3051234567890123452")  # its order no. had a tab inside the ="…", its buyer message two lines
    assert (done.status, done.province, done.city, done.district) == ("completed", "上海", "上海市", "浦东新区")
    assert [order(no).status for no in GOOD[2:]] == ["unpaid", "cancelled", "shipped"]
    assert order("3051234567890123454").paid_at is None and order("3051234567890123454").city == "北京市"
    assert order("3051234567890123455").district == "" and order("3051234567890123455").city == "东莞市"


@pytest.mark.parametrize(("first", "second"), [(GBK, UTF8), (UTF8, GBK), (GBK, GBK)], ids=["gbk-utf8", "utf8-gbk", "gbk-gbk"])
def test_importing_the_export_again_updates_and_duplicates_nothing(app, first, second):
    run(first)
    audit_entries = count(AuditEntry)
    again = run(second)
    assert again.created == [] and sorted(again.updated) == GOOD and {(e.line, e.order_no, e.column) for e in again.errors} == BAD
    assert count(Order) == 5 and count(OrderItem) == 5 and count(Customer) == 5
    assert count(AuditEntry) == audit_entries  # the same facts again: nothing changed, nothing recorded


def test_a_later_export_moves_the_order_on_and_a_backwards_status_is_reported(app):
    run(GBK)
    shipped = GBK.read_bytes().decode("gbk").replace("买家已付款，等待卖家发货", "卖家已发货，等待买家确认")
    assert run_text(shipped).failed == ["3051234567890123453", "3051234567890123456"]
    assert order("3051234567890123451").status == "shipped"
    backwards = shipped.replace("交易成功", "等待买家付款").replace("2026-03-01 20:11:30", "")
    report = run_text(backwards)
    assert (3, "3051234567890123452", "订单状态") in {(e.line, e.order_no, e.column) for e in report.errors}
    assert order("3051234567890123452").status == "completed"


def test_a_row_cut_short_and_a_repeated_order_are_reported_and_the_rest_imported(app):
    lines = GBK.read_bytes().decode("gbk").split("\r\n")
    cut = lines[5].rsplit(",", 30)[0]
    report = run_text("\r\n".join([lines[0], lines[1], cut, lines[1]]))
    assert report.created == ["3051234567890123451"]
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (3, "", "has 14 values; the header has 44"), (4, "订单编号", "repeats the order of line 2")]
    assert count(Order) == 1


def test_the_cli_imports_the_export_with_format_taobao_and_prints_the_lines_that_failed(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orders", "import", "--format", "taobao", str(GBK)])
    assert result.exit_code == 1
    assert "Imported 5 orders (5 created, 0 updated); 2 failed." in result.output
    assert "line 5, order 3051234567890123453: 订单状态: is not a Taobao order status ShopCS knows: 退款中" in result.output
    assert "line 8, order 3051234567890123456: 买家应付货款: must be a number" in result.output
    again = runner.invoke(args=["orders", "import", "--format", "taobao", str(UTF8)])
    assert "Imported 5 orders (0 created, 5 updated); 2 failed." in again.output
    assert count(Order) == 5
    assert db.session.scalar(select(AuditEntry.actor).limit(1)) == "system:taobao-import"


def test_the_cli_keeps_the_shopcs_format_as_the_default_and_refuses_the_wrong_layout(app, tmp_path):
    runner = app.test_cli_runner()
    as_shopcs = runner.invoke(args=["orders", "import", str(GBK)])
    assert as_shopcs.exit_code == 1 and "not UTF-8" in as_shopcs.output
    shopcs_file = tmp_path / "orders.csv"
    shopcs_file.write_text("order_no,status\nT1,paid\n", encoding="utf-8")
    as_taobao = runner.invoke(args=["orders", "import", "--format", "taobao", str(shopcs_file)])
    assert as_taobao.exit_code == 1 and "not a Taobao / Tmall order export" in as_taobao.output
    assert runner.invoke(args=["orders", "import", "--format", "jd", str(GBK)]).exit_code == 2
    assert count(Order) == 0


def test_a_taobao_order_is_an_order_in_china_in_yuan(app):
    run(UTF8)
    assert set(db.session.execute(select(Order.country, Order.currency, Order.address_line2)).all()) == {("CN", "CNY", "")}
