"""`flask customers erase` and `flask customers erase-inactive`: they ask first (and a no erases nothing), --yes does not
ask, an unknown id is a clear error with exit code 1, and erasing again says there was nothing left."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.orders.models import Customer, Order

from ..builders import NOW, make_customer, make_order
from ..case_builders import make_case


@pytest.fixture
def app_config(tmp_path):
    return {"SHOPCS_UPLOAD_DIR": str(tmp_path)}


@pytest.fixture
def buyer(app):
    customer = make_customer("buyer-7", name="王小明", phone="13800001111", email="wxm@example.com")
    make_order(customer=customer, status="paid", recipient="王小明", detail="光明路 1 号")
    make_order(customer=customer, status="unpaid", recipient="王小明", detail="光明路 1 号")
    make_case(order_no=db.session.scalar(select(Order.order_no).limit(1)), subject="王小明的快递", body="在哪")
    return customer.id


def run(app, *args, answer=None):
    return app.test_cli_runner().invoke(args=["customers", *args], input=answer)


def erased(customer_id) -> bool:
    db.session.expire_all()
    return db.session.get(Customer, customer_id).erased_at is not None


def test_erase_says_what_there_is_and_a_no_erases_nothing(app, buyer):
    result = run(app, "erase", "buyer-7", answer="n\n")

    assert result.exit_code == 1 and "Aborted" in result.output
    assert "Customer buyer-7: orders 2, cases 1, claim photos 0, messages waiting to be sent 0" in result.output
    assert "Not shipped yet (their delivery address goes too): 2 of the orders." in result.output
    assert "Erase it? This cannot be undone [y/N]" in result.output
    assert not erased(buyer) and db.session.scalar(select(func.count()).where(AuditEntry.action == "customer.erased")) == 0


def test_erase_asks_and_a_yes_erases(app, buyer):
    result = run(app, "erase", "buyer-7", answer="y\n")

    assert result.exit_code == 0, result.output
    assert "Erased customer buyer-7; from now on they are erased:" in result.output
    assert "orders 2" in result.output and "cases 1" in result.output
    assert erased(buyer) and db.session.get(Customer, buyer).name == ""


def test_erase_with_yes_does_not_ask_and_erasing_again_says_there_was_nothing_left(app, buyer):
    first = run(app, "erase", "buyer-7", "--yes")
    again = run(app, "erase", "buyer-7", "--yes")

    assert first.exit_code == 0 and "Erase it?" not in first.output and erased(buyer)
    assert again.exit_code == 0, again.output
    assert "Customer buyer-7 was already erased on" in again.output and "nothing left to erase" in again.output
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "customer.erased")) == 1


def test_erasing_an_erased_buyer_without_yes_says_so_before_asking(app, buyer):
    run(app, "erase", "buyer-7", "--yes")

    result = run(app, "erase", "buyer-7", answer="y\n")

    assert result.exit_code == 0 and "was erased on" in result.output and "erasing again removes what came since" in result.output


def test_an_unknown_id_is_a_clear_error_with_exit_code_1(app, buyer):
    for args in (("erase", "nobody"), ("erase", "nobody", "--yes")):
        result = run(app, *args)
        assert result.exit_code == 1
        assert "Error: No customer nobody: no buyer has that id, erased or not." in result.output
    assert not erased(buyer)


def test_erase_inactive_asks_first_and_erases_only_the_inactive(app, buyer):
    old = make_customer("old-buyer", now=NOW - timedelta(days=800))
    make_order(customer=old, placed_at=NOW - timedelta(days=790))

    refused = run(app, "erase-inactive", "--months", "24", answer="n\n")
    assert refused.exit_code == 1 and "Buyers with no order or case for 24 months: 1. Erase" in refused.output
    assert not erased(old.id)

    done = run(app, "erase-inactive", "--months", "24", "--yes")
    assert done.exit_code == 0 and "UTC erased: 1." in done.output
    assert erased(old.id) and not erased(buyer)

    assert run(app, "erase-inactive", "--months", "24").output.strip() == "No buyer has been inactive for 24 months."


@pytest.mark.parametrize("months", ["0", "-3", "x"])
def test_erase_inactive_needs_a_positive_number_of_months(app, months):
    result = run(app, "erase-inactive", "--months", months, "--yes")
    assert result.exit_code == 2 and "--months" in result.output
