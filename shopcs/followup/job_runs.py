"""What each scheduler job did last: one row per job id, written at the end of every run (scheduler.run_job), read
by /metrics and the scheduler jobs page.

Two scheduler processes may run the same job at the same moment (the sweeps are safe to run twice): each run's row is
written by one INSERT … ON CONFLICT (job_id) DO UPDATE that adds to the counts in the statement itself, the same on
SQLite and PostgreSQL, so neither run's count is lost and no run fails on the other's insert.
"""
from datetime import datetime

from sqlalchemy import Integer, String, case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db

OUTCOMES = ("ok", "failed")
JOB_ID_MAX = 64
ERROR_LENGTH = 300  # the failure's first line, cut


class JobRun(db.Model):
    __tablename__ = "scheduler_job_runs"

    job_id: Mapped[str] = mapped_column(String(JOB_ID_MAX), primary_key=True)
    last_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_duration_ms: Mapped[int] = mapped_column(Integer)
    last_outcome: Mapped[str] = mapped_column(String(10))  # OUTCOMES
    last_succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH), nullable=True)  # of the last failed run
    runs_total: Mapped[int] = mapped_column(Integer)
    failures_total: Mapped[int] = mapped_column(Integer)
    consecutive_failures: Mapped[int] = mapped_column(Integer)  # 0 once a run succeeds


def short_error(exc: BaseException) -> str:
    """A failure in one line for the table: its type and the first line of its message, cut to ERROR_LENGTH."""
    message = str(exc).strip()
    text = f"{type(exc).__name__}: {message.splitlines()[0]}" if message else type(exc).__name__
    return text if len(text) <= ERROR_LENGTH else text[:ERROR_LENGTH - 1] + "…"


def record_run(job_id: str, started_at: datetime, finished_at: datetime, error: str | None) -> None:
    """Add one finished run of `job_id` (failed when `error` is given) in one statement, and commit. A run that
    finishes after another one (two schedulers) may have started before it: the row shows the run that finished last."""
    failed = error is not None
    values = {"job_id": job_id, "last_started_at": started_at, "last_finished_at": finished_at,
              "last_duration_ms": max(round((finished_at - started_at).total_seconds() * 1000), 0),
              "last_outcome": "failed" if failed else "ok", "last_succeeded_at": None if failed else finished_at,
              "last_failed_at": finished_at if failed else None, "last_error": error[:ERROR_LENGTH] if failed else None,
              "runs_total": 1, "failures_total": int(failed), "consecutive_failures": int(failed)}
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(JobRun).values(**values)
    new, row = insert.excluded, JobRun
    db.session.execute(insert.on_conflict_do_update(index_elements=[row.job_id], set_={
        "last_started_at": new.last_started_at, "last_finished_at": new.last_finished_at,
        "last_duration_ms": new.last_duration_ms, "last_outcome": new.last_outcome,
        "runs_total": row.runs_total + 1,
        # the success and failure columns keep the last of each: a failure does not erase when it last worked
        "last_succeeded_at": new.last_succeeded_at if not failed else row.last_succeeded_at,
        "last_failed_at": new.last_failed_at if failed else row.last_failed_at,
        "last_error": new.last_error if failed else row.last_error,
        "failures_total": row.failures_total + new.failures_total,
        "consecutive_failures": case((new.last_outcome == "failed", row.consecutive_failures + 1), else_=0),
    }))
    db.session.commit()


def job_runs() -> dict[str, JobRun]:
    return {run.job_id: run for run in db.session.scalars(select(JobRun))}
