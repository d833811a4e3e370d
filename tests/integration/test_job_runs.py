"""The scheduler records each job run (scheduler.run_job → job_runs): outcome, duration, failures, on both databases,
and two scheduler processes recording the same job at once lose no run."""
import threading
from datetime import timedelta

from shopcs.extensions import db
from shopcs.followup.job_runs import JobRun, job_runs, record_run
from shopcs.followup.scheduler import PeriodicJob, run_job
from shopcs.timeutil import utcnow

from ..builders import NOW


def succeed(now):
    return {"done": 1}


def explode(now):
    raise RuntimeError(f"sweep broke at {now:%H:%M}\nsecond line of the message")


def _run(app, target):
    run_job(app, PeriodicJob("sample", 60, f"{__name__}:{target}"))
    db.session.expire_all()
    return db.session.get(JobRun, "sample")


def test_a_successful_run_is_recorded_with_its_time_and_duration(app):
    before = utcnow()
    run = _run(app, "succeed")
    assert run.last_outcome == "ok" and run.runs_total == 1 and run.failures_total == 0
    assert before <= run.last_started_at <= run.last_finished_at <= utcnow()
    assert run.last_succeeded_at == run.last_finished_at and run.last_failed_at is None and run.last_error is None
    assert run.last_duration_ms >= 0 and run.consecutive_failures == 0


def test_a_failing_run_is_counted_with_its_error_and_a_later_success_ends_the_streak(app):
    _run(app, "succeed")
    _run(app, "explode")
    run = _run(app, "explode")
    assert (run.last_outcome, run.runs_total, run.failures_total, run.consecutive_failures) == ("failed", 3, 2, 2)
    assert run.last_error.startswith("RuntimeError: sweep broke at ") and "second line" not in run.last_error
    failed_at = run.last_failed_at
    run = _run(app, "succeed")
    assert (run.last_outcome, run.runs_total, run.failures_total, run.consecutive_failures) == ("ok", 4, 2, 0)
    assert run.last_failed_at == failed_at and run.last_error.startswith("RuntimeError")  # when it last failed, and why


def write_then_fail(now):
    db.session.add(JobRun(job_id="half", last_started_at=now, last_finished_at=now, last_duration_ms=0,
                          last_outcome="ok", runs_total=0, failures_total=0, consecutive_failures=0))
    db.session.flush()
    raise RuntimeError("stopped half way")


def test_a_job_failing_half_way_leaves_nothing_of_its_own_and_its_run_is_still_recorded(app):
    run = _run(app, "write_then_fail")
    assert run.last_outcome == "failed" and set(job_runs()) == {"sample"}


def test_two_scheduler_processes_recording_the_same_job_at_once_count_every_run(app):
    recorders, runs_each = 4, 15
    start = threading.Barrier(recorders)
    errors = []

    def recorder(number):
        with app.app_context():  # a session and connection of its own, as another process has
            try:
                start.wait()
                for i in range(runs_each):
                    failed = (number + i) % 3 == 0
                    record_run("outbox_sender", NOW + timedelta(seconds=i), NOW + timedelta(seconds=i, milliseconds=5),
                               "RuntimeError: down" if failed else None)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=recorder, args=(n,)) for n in range(recorders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    run = db.session.get(JobRun, "outbox_sender")
    expected_failures = sum((n + i) % 3 == 0 for n in range(recorders) for i in range(runs_each))
    assert (run.runs_total, run.failures_total) == (recorders * runs_each, expected_failures)
    assert run.last_duration_ms == 5
