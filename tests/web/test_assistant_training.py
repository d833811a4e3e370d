"""The assistant learns from the shop's corrected cases (shopcs/assistant/training.py): versions stored as data,
activated when they measure no worse, kept so that a supervisor can go back; the app's model follows the active one."""
import pytest
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.assistant import service
from shopcs.assistant.models import AssistantModel
from shopcs.assistant.training import (
    VersionError,
    activate,
    held_aside,
    prune_versions,
    retrain,
    retrain_job,
    shop_examples,
)
from shopcs.audit.models import AuditEntry
from shopcs.extensions import db

from ..builders import NOW
from ..case_builders import make_case

SUPERVISOR = Actor(label="user:sup", role="supervisor")
PROBE = "zorblax quuxle"  # a word of this shop's that the starter set never saw: pre-sale to the starter model
FRUITS = ("apple banana cherry grape lemon mango melon olive peach pear plum berry kiwi lime date fig guava papaya "
          "quince apricot").split()
TREES = ("oak elm ash birch cedar pine fir larch maple willow poplar alder beech yew hazel holly rowan spruce juniper "
         "cypress sequoia acacia baobab teak ebony mahogany cherrywood walnut chestnut hornbeam").split()


@pytest.fixture(autouse=True)
def fresh_model():
    """The app's model is the process's: each test starts from what its own database says, and leaves nothing."""
    service.forget_model()
    yield
    service.forget_model()


def corrected(body: str, category: str, status: str = "resolved", suggested: str | None = "pre_sale"):
    case = make_case(category=category, body=body)
    case.status, case.suggested_category, case.suggested_confidence = status, suggested, 0.5 if suggested else None
    db.session.commit()
    return case


def teach_probe_as_tracking():
    """20 cases: about 14 learnt from, 6 held aside to measure on."""
    for fruit in FRUITS:
        corrected(f"{PROBE} {fruit}", "tracking")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_examples_are_finished_cases_the_assistant_read_newest_first_each_text_once(app):
    corrected("where is my zorblax", "pre_sale")
    corrected("where is my zorblax", "tracking", status="closed")  # the same text again, later: its category counts
    corrected("still open", "payment", status="open")
    corrected("typed in by an agent", "payment", suggested=None)
    corrected("my refund please", "payment")
    assert shop_examples() == [("my refund please", "payment"), ("where is my zorblax", "tracking")]
    assert shop_examples(limit=1) == [("my refund please", "payment")]


def test_without_corrected_cases_no_version_is_made(app):
    corrected("still open", "payment", status="open")
    assert retrain(NOW) is None and retrain_job(NOW) == {"new_version": None}
    assert count(AssistantModel) == 0


def test_corrected_cases_make_version_one_active_and_the_app_follows_it(app):
    assert service.suggest(PROBE).category != "tracking"  # the starter set alone
    teach_probe_as_tracking()

    model = retrain(NOW)

    assert (model.version, model.active, model.activated_at, model.created_by) == (1, True, NOW, "system:assistant")
    learnt = [f"{PROBE} {fruit}" for fruit in FRUITS if not held_aside(f"{PROBE} {fruit}")]
    assert 0 < model.example_count == len(learnt) < len(FRUITS) and model.accuracy == 1.0
    assert all(f'"{text}"' in model.examples for text in learnt)
    assert service.suggest(PROBE).category != "tracking"  # a worker looks again within a minute, not at every call
    service.forget_model()
    assert service.suggest(PROBE).category == "tracking"
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))][-2:] == [
        "assistant.model_trained", "assistant.model_activated"]

    assert retrain(NOW) is None  # nothing new since
    corrected("still open", "payment", status="open")
    assert retrain_job(NOW) == {"new_version": None} and count(AssistantModel) == 1


def test_a_version_that_measures_worse_is_kept_inactive_and_a_supervisor_can_switch_and_go_back(app):
    teach_probe_as_tracking()
    first = retrain(NOW)
    for tree in TREES:  # later cases that teach the opposite, none of them held aside
        if not held_aside(f"{PROBE} {tree}"):
            corrected(f"{PROBE} {tree}", "complaint")

    report = retrain_job(NOW)

    second = db.session.scalar(select(AssistantModel).where(AssistantModel.version == 2))
    assert report == {"new_version": 2, "active": False, "examples": second.example_count, "accuracy": second.accuracy}
    assert second.accuracy < first.accuracy and not second.active and first.active and second.activated_at is None

    activate(2, SUPERVISOR, NOW)
    db.session.refresh(first)
    assert second.active and not first.active
    assert service.suggest(PROBE).category == "complaint"

    activate(1, SUPERVISOR, NOW)
    db.session.refresh(second)
    assert first.active and not second.active and count(AssistantModel) == 2
    trail = [(e.actor, e.before, e.after) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "assistant.model_activated").order_by(AuditEntry.id))]
    assert trail == [("system:assistant", {"version": None}, {"version": 1}),
                     ("user:sup", {"version": 1}, {"version": 2}), ("user:sup", {"version": 2}, {"version": 1})]
    with pytest.raises(VersionError):
        activate(3, SUPERVISOR, NOW)


def test_the_cli_retrains_lists_and_activates(sqlite_app):  # the services are tested on both databases above
    runner = sqlite_app.test_cli_runner()
    assert "Nothing new" in runner.invoke(args=["assistant", "retrain"]).output
    assert "No version yet" in runner.invoke(args=["assistant", "versions"]).output
    teach_probe_as_tracking()
    made = runner.invoke(args=["assistant", "retrain"])
    assert made.exit_code == 0 and "Version 1:" in made.output and "active" in made.output
    listed = runner.invoke(args=["assistant", "versions"]).output.splitlines()
    assert len(listed) == 1 and listed[0].startswith("*    1") and "system:cli" in listed[0]
    assert runner.invoke(args=["assistant", "activate", "1"]).output.strip() == "Version 1 is active."
    missing = runner.invoke(args=["assistant", "activate", "7"])
    assert missing.exit_code == 1 and "no assistant model version 7" in missing.output


def test_old_versions_are_pruned_but_never_the_active_one(app):
    for version in (1, 2, 3, 4):
        db.session.add(AssistantModel(version=version, active=version == 1, examples="", example_count=0,
                                      created_at=NOW, created_by="system:assistant"))
    db.session.commit()
    assert prune_versions(keep=2) == 1
    db.session.commit()
    assert sorted(db.session.scalars(select(AssistantModel.version))) == [1, 3, 4]  # the active one and the newest two
    assert prune_versions(keep=2) == 0
