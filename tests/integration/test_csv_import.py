from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.orders.csv_import import COLUMNS, import_orders_csv
from shopcs.orders.models import Order, OrderItem

from ..builders import NOW

HEADER = ",".join(COLUMNS)
ORDER = ("{no},paid,2026-03-04T09:00:00+08:00,2026-03-04T09:05:00+08:00,buyer-{no},李四,13812345678,,"
         "李四,{phone},浙江省,杭州市,西湖区,文三路 100 号,310000")
LINE = ORDER + ",{sku},围巾,{qty},{price},10.00,0,{total}"


def row(no, sku="SKU-1", qty="1", price="50.00", total="60.00", phone="13812345678"):
    return LINE.format(no=no, sku=sku, qty=qty, price=price, total=total, phone=phone)


def csv_bytes(*rows, bom=False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join([HEADER, *rows]) + "\n").encode()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_good_file_imports_every_order_with_rows_of_one_order_grouped(app):
    data = csv_bytes(row("T1", total="110.00"), row("T2", phone="not a phone"), row("T1", sku="SKU-2", total="110.00"),
                     bom=True)
    report = import_orders_csv(data, Actor.system("csv-import"), NOW, "Asia/Shanghai")
    assert report.ok and sorted(report.created) == ["T1", "T2"] and report.errors == []
    t1 = db.session.scalar(select(Order).where(Order.order_no == "T1"))
    assert [i.sku for i in t1.items] == ["SKU-1", "SKU-2"] and str(t1.total) == "110.00"
    t2 = db.session.scalar(select(Order).where(Order.order_no == "T2"))
    assert t2.phone == "not a phone" and t2.phone_valid is False
    assert db.session.scalar(select(AuditEntry.actor).limit(1)) == "system:csv-import"


def test_a_malformed_row_is_reported_by_line_and_column_and_nothing_of_its_order_is_written(app):
    data = csv_bytes(row("T1"), row("T2", price="5O.00"), row("T3", qty="two"), row("T2", sku="SKU-2"),
                     row("T4") + ",extra")
    report = import_orders_csv(data, Actor.system("csv-import"), NOW, "Asia/Shanghai")
    assert not report.ok and report.created == ["T1"] and sorted(report.failed) == ["T2", "T3", "T4"]
    found = {(e.line, e.order_no, e.column) for e in report.errors}
    assert (3, "T2", "unit_price") in found and (4, "T3", "quantity") in found and (6, "T4", "") in found
    assert count(Order) == 1 and count(OrderItem) == 1


def test_a_wrong_total_and_a_backwards_status_fail_only_their_order(app):
    import_orders_csv(csv_bytes(row("T1")), Actor.system("csv-import"), NOW, "Asia/Shanghai")
    backwards = row("T1").replace(",paid,", ",unpaid,").replace("+08:00,2026-03-04T09:05:00+08:00", "+08:00,")
    report = import_orders_csv(csv_bytes(backwards, row("T2", total="1.00")), Actor.system("csv-import"), NOW, "Asia/Shanghai")
    assert sorted(report.failed) == ["T1", "T2"]
    assert {(e.order_no, e.column) for e in report.errors} == {("T1", "status"), ("T2", "total")}
    assert db.session.scalar(select(Order.status)) == "paid" and count(Order) == 1


def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused_as_a_whole(app):
    latin = import_orders_csv(csv_bytes(row("T1")).replace("李".encode(), b"\xe9"), Actor.system("x"), NOW, "Asia/Shanghai")
    assert latin.file_error and "UTF-8" in latin.file_error
    short = import_orders_csv(b"order_no,status\nT1,paid\n", Actor.system("x"), NOW, "Asia/Shanghai")
    assert "total" in short.file_error and count(Order) == 0


def test_the_cli_prints_a_summary_and_the_row_errors_and_fails_when_a_row_failed(app, tmp_path):
    good, mixed = tmp_path / "good.csv", tmp_path / "mixed.csv"
    good.write_bytes(csv_bytes(row("T1"), bom=True))
    mixed.write_bytes(csv_bytes(row("T2"), row("T3", price="-1")))
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["orders", "import", str(good)])
    assert ok.exit_code == 0 and "Imported 1 order (1 created, 0 updated); 0 failed." in ok.output
    bad = runner.invoke(args=["orders", "import", str(mixed)])
    assert bad.exit_code == 1
    assert "1 failed" in bad.output and "line 3, order T3: unit_price: must not be negative" in bad.output
    assert count(Order) == 2


ABROAD_HEADER = HEADER + ",country,address_line2,currency"
ABROAD = ("{no},paid,2026-03-04T09:00:00-05:00,2026-03-04T09:05:00-05:00,buyer-{no},Jane Doe,,,Jane Doe,(212) 555-0123,"
          "NY,New York,,350 Fifth Avenue,10118,SKU-1,Scarf,1,{price},0,0,{price},{country},Suite 2,{currency}")


def test_optional_columns_give_an_order_abroad_its_country_second_line_and_currency(app):
    data = ("\n".join([ABROAD_HEADER, ABROAD.format(no="U1", price="59.45", country="US", currency="USD"),
                       row("C1") + ",,,"]) + "\n").encode()
    report = import_orders_csv(data, Actor.system("csv-import"), NOW, "Asia/Shanghai")
    assert report.ok and sorted(report.created) == ["C1", "U1"]
    abroad = db.session.scalar(select(Order).where(Order.order_no == "U1"))
    assert (abroad.country, abroad.address_line2, abroad.currency, abroad.province) == ("US", "Suite 2", "USD", "NY")
    assert (abroad.phone, abroad.phone_valid) == ("+12125550123", True)  # read with the buyer's country
    home = db.session.scalar(select(Order).where(Order.order_no == "C1"))
    assert (home.country, home.address_line2, home.currency) == ("CN", "", "CNY")  # blanks: the defaults


def test_a_file_without_the_optional_columns_imports_orders_in_china_in_yuan(app):
    report = import_orders_csv(csv_bytes(row("T1")), Actor.system("csv-import"), NOW, "Asia/Shanghai")
    assert report.ok
    assert db.session.execute(select(Order.country, Order.currency)).one() == ("CN", "CNY")


def test_a_bad_country_or_currency_is_reported_by_its_column(app):
    data = ("\n".join([ABROAD_HEADER, ABROAD.format(no="U1", price="59.45", country="XX", currency="USD"),
                       ABROAD.format(no="U2", price="59.45", country="US", currency="ABC")]) + "\n").encode()
    report = import_orders_csv(data, Actor.system("csv-import"), NOW, "Asia/Shanghai")
    assert sorted(report.failed) == ["U1", "U2"] and count(Order) == 0
    assert {(e.order_no, e.column) for e in report.errors} == {("U1", "country"), ("U2", "currency")}
