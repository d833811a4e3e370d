"""The scheduler jobs page's rows: each scheduled job with its interval and what its last run did, late or not."""
from dataclasses import dataclass
from datetime import datetime

from ..followup.job_runs import JobRun, job_runs
from .rules import is_late


@dataclass(frozen=True)
class JobRow:
    job_id: str
    interval_seconds: int | None  # None: recorded, but not scheduled by this configuration (removed, or switched off)
    run: JobRun | None  # None: not run yet
    late: bool


def job_rows(intervals: dict[str, int], now: datetime) -> list[JobRow]:
    """The scheduled jobs in their table's order, then any other job that has runs recorded; [] when the scheduler
    has never run a job."""
    runs = job_runs()
    if not runs:
        return []
    rows = [JobRow(job_id, seconds, runs.get(job_id),
                   is_late(runs[job_id].last_started_at if job_id in runs else None, seconds, now))
            for job_id, seconds in intervals.items()]
    rows += [JobRow(job_id, None, run, False) for job_id, run in sorted(runs.items()) if job_id not in intervals]
    return rows
