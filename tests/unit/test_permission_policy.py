"""The permission table (shopcs/auth/policy.py): admins may everything, the platform only its few actions, a
misspelt action fails loudly. No app, no database."""
import pytest

from shopcs.actor import Actor
from shopcs.auth.policy import PERMISSIONS, PLATFORM_ACTIONS, actor_allows, allows, check_action, roles_allowed
from shopcs.auth.rules import ROLES


def _holders(action):
    return [role for role in ROLES if allows(role, action)]


def test_an_admin_may_do_every_action_without_being_listed():
    assert all(allows("admin", action) and "admin" not in roles for action, roles in PERMISSIONS.items())


def test_only_known_roles_are_listed():
    assert {role for roles in PERMISSIONS.values() for role in roles} <= set(ROLES) - {"admin"}


@pytest.mark.parametrize("role", [None, "", "root", "Supervisor"])
def test_no_role_or_an_unknown_one_may_do_nothing(role):
    assert not any(allows(role, action) for action in PERMISSIONS)


def test_an_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(KeyError, match="refunds.approve_all"):
        allows("admin", "refunds.approve_all")
    with pytest.raises(KeyError):
        check_action("orders.veiw")


def test_shipping_staff_work_cases_but_not_claims():
    assert allows("shipping", "cases.work") and not allows("shipping", "claims.work")


def test_an_agent_decides_refunds_but_not_claims():
    assert allows("agent", "refunds.decide") and not allows("agent", "claims.decide")
    assert _holders("claims.decide") == ["after_sales", "supervisor", "admin"]


def test_operators_read_reports_and_orders_but_change_nothing_on_them():
    assert allows("operator", "reports.view") and allows("operator", "orders.view")
    assert not any(allows("operator", action) for action in ("orders.ship", "orders.change_address", "refunds.decide",
                                                               "notes.write", "cases.work", "followup.work"))


def test_only_accounts_scheduler_jobs_and_metrics_are_for_admins_alone():
    assert [action for action in PERMISSIONS if _holders(action) == ["admin"]] == ["customers.erase", "accounts.manage",
                                                                                   "jobs.view", "metrics.read"]


def test_marking_a_note_done_is_for_whoever_works_one_of_the_inboxes():
    inboxes = {role for action in ("inbox.after_sales", "inbox.shipping") for role in _holders(action)}
    assert set(_holders("notes.mark_done")) == inboxes


def test_the_platform_may_only_its_actions_whatever_the_role_says():
    assert [action for action in PERMISSIONS if allows(None, action, is_platform=True)] == [
        action for action in PERMISSIONS if action in PLATFORM_ACTIONS]
    assert not allows("admin", "claims.decide", is_platform=True)
    assert PLATFORM_ACTIONS <= set(PERMISSIONS)


def test_a_service_asks_for_the_actor_person_or_platform():
    assert actor_allows(Actor("user:amy", "agent"), "orders.change_address")
    assert not actor_allows(Actor("user:sam", "shipping"), "orders.change_address")
    assert actor_allows(Actor("token:shopify", None, is_platform=True), "orders.ship")
    assert not actor_allows(Actor("token:shopify", None, is_platform=True), "cases.acknowledge")


def test_the_people_who_may_include_the_admins():
    assert roles_allowed("cases.acknowledge") == ("supervisor", "admin")
