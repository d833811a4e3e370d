"""The retention setting (SHOPCS_RETENTION_MONTHS): off by default, and the scheduler's daily job then erases only the
buyers with no order placed and no case touched for that many months."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shopcs import create_app
from shopcs.audit.models import AuditEntry
from shopcs.cases.models import Case
from shopcs.extensions import db
from shopcs.followup.scheduler import JOBS, jobs_for
from shopcs.orders.models import Customer
from shopcs.privacy import retention
from shopcs.privacy.jobs import erase_inactive_buyers

from ..builders import NOW, make_customer, make_order
from ..case_builders import make_case

MONTH = timedelta(days=31)


@pytest.fixture
def app_config(tmp_path):
    return {"SHOPCS_UPLOAD_DIR": str(tmp_path), "SHOPCS_RETENTION_MONTHS": 24}


def customer(name: str, months_ago: float):
    return make_customer(name, name=name, now=NOW - months_ago * MONTH)


@pytest.fixture
def shop(app):
    """Buyers named by what they did, and when."""
    people = {"ordered_long_ago": customer("ordered_long_ago", 40), "ordered_lately": customer("ordered_lately", 40),
              "wrote_lately": customer("wrote_lately", 40), "never_ordered": customer("never_ordered", 30),
              "new": customer("new", 2), "ordered_both": customer("ordered_both", 40)}
    make_order(customer=people["ordered_long_ago"], placed_at=NOW - 30 * MONTH)
    make_order(customer=people["ordered_lately"], placed_at=NOW - 30 * MONTH)
    make_order(customer=people["ordered_lately"], placed_at=NOW - 3 * MONTH)
    make_order(customer=people["ordered_both"], placed_at=NOW - 25 * MONTH)
    make_order(customer=people["ordered_both"], placed_at=NOW - 23 * MONTH)
    order = make_order(customer=people["wrote_lately"], placed_at=NOW - 30 * MONTH)
    case = make_case(order_no=order.order_no, now=NOW - 30 * MONTH, received_at=NOW - 30 * MONTH)
    db.session.get(Case, case.id).updated_at = NOW - MONTH  # an agent touched the case a month ago
    db.session.commit()
    return {name: row.id for name, row in people.items()}


def erased_ids() -> set[str]:
    db.session.expire_all()
    return {row.id for row in db.session.scalars(select(Customer).where(Customer.erased_at.is_not(None)))}


def test_retention_is_off_by_default(tmp_path):
    config = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"}).config
    assert config["SHOPCS_RETENTION_MONTHS"] == 0
    assert "retention" not in {job.id for job in jobs_for(config)}
    assert "retention" in {job.id for job in jobs_for({"SHOPCS_RETENTION_MONTHS": 24})}
    assert [job.needs for job in JOBS if job.id == "retention"] == ["SHOPCS_RETENTION_MONTHS"]


def test_with_the_setting_off_the_job_erases_nobody(app, shop):
    app.config["SHOPCS_RETENTION_MONTHS"] = 0

    assert erase_inactive_buyers(NOW) == {"months": 0, "erased": 0, "failed": 0, "files_left": 0}
    assert erased_ids() == set()


def test_the_job_erases_only_the_buyers_inactive_for_the_months_set(app, shop):
    result = erase_inactive_buyers(NOW)

    assert result["erased"] == 2 and result["failed"] == 0 and result["months"] == 24
    assert erased_ids() == {shop["ordered_long_ago"], shop["never_ordered"]}
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.erased")).all()
    assert {entry.actor for entry in entries} == {"system:retention"}


def test_a_second_run_finds_nobody_more_and_writes_nothing(app, shop):
    erase_inactive_buyers(NOW)
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))

    assert erase_inactive_buyers(NOW)["erased"] == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_a_buyer_who_cannot_be_erased_is_left_for_the_next_run_and_the_others_are_not(app, shop, monkeypatch):
    real = retention.erase_customer

    def failing_for_one(external_id, *args, **kwargs):
        if external_id == "never_ordered":
            raise RuntimeError("deadlock detected")
        return real(external_id, *args, **kwargs)

    monkeypatch.setattr(retention, "erase_customer", failing_for_one)
    result = erase_inactive_buyers(NOW)

    assert (result["erased"], result["failed"]) == (1, 1)
    assert erased_ids() == {shop["ordered_long_ago"]}
    monkeypatch.undo()
    assert erase_inactive_buyers(NOW)["erased"] == 1


def test_the_cutoff_counts_calendar_months_back_from_the_run(app, shop):
    assert retention.count_inactive(24, NOW) == 2
    assert retention.count_inactive(22, NOW) == 3  # the last order 23 months ago is then old enough
    with pytest.raises(ValueError):
        retention.erase_inactive(0, NOW, None)
