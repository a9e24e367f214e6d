"""Daily jobs: started once a day after their hour, by whichever worker comes first."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django_tasks_db.models import DBTaskResult

from guanxi.platform.models import ScheduledRun
from guanxi.platform.schedule import (
    DailyJob,
    register_daily_job,
    run_due_jobs,
    unregister_daily_job,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 25) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_nightly_refresh_and_purge_are_queued_once_a_day(people: Any) -> None:
    assert run_due_jobs(at(2, 0)) == []
    assert run_due_jobs(at(2, 31)) == ["analytics.refresh"]
    assert run_due_jobs(at(3, 0)) == []
    assert run_due_jobs(at(4, 0)) == ["customers.purge_deleted"]
    assert run_due_jobs(at(23, 0)) == []
    queued = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == [
        "guanxi.analytics.tasks.refresh_customer_scores",
        "guanxi.customers.tasks.purge_deleted_customers",
    ]
    refresh = DBTaskResult.objects.get(task_path__endswith="refresh_customer_scores")
    assert refresh.args_kwargs["args"] == [people.org.pk]
    assert sorted(run_due_jobs(at(5, 0, day=26))) == [
        "analytics.refresh",
        "customers.purge_deleted",
    ]
    assert ScheduledRun.objects.count() == 4


def test_a_failing_job_does_not_stop_the_others(db: Any) -> None:
    def broken() -> None:
        raise RuntimeError("no")

    register_daily_job(DailyJob(key="test.broken", at=datetime.time(0, 0), start=broken))
    try:
        started = run_due_jobs(at(12, 0))
    finally:
        unregister_daily_job("test.broken")
    assert "test.broken" not in started and "analytics.refresh" in started
    assert not ScheduledRun.objects.filter(job="test.broken").exists()  # it will be tried again
