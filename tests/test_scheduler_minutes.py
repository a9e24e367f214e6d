"""Minute jobs: each runs once per slot whatever the number of workers, and catches up in one go."""

from __future__ import annotations

import datetime
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from guanxi.customers.services.activities import activity_create, activity_set_done, activity_update
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.management.commands.worker import seconds_until_next_check
from guanxi.platform.notifications.models import MinuteJobRun, Notification, SentMarker
from guanxi.platform.schedule import (
    MinuteJob,
    register_minute_job,
    run_minute_jobs,
    slot_of,
    unregister_minute_job,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, 25, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def calls() -> Any:
    seen: list[tuple[datetime.datetime, datetime.datetime | None]] = []
    register_minute_job(
        MinuteJob(key="test.count", run=lambda now, previous: seen.append((now, previous)))
    )
    yield seen
    unregister_minute_job("test.count")


def test_slots_are_whole_periods() -> None:
    assert slot_of(at(10, 7, 59), 1) == at(10, 7)
    assert slot_of(at(10, 7, 59), 5) == at(10, 5)
    assert slot_of(at(10, 0, 0), 15) == at(10, 0)
    with pytest.raises(ValueError):
        register_minute_job(
            MinuteJob(key="test.never", run=lambda now, previous: None, every_minutes=0)
        )


def test_two_workers_run_a_job_once_per_slot(db: Any, calls: Any) -> None:
    assert "test.count" in run_minute_jobs(at(10, 0, 2))
    assert "test.count" not in run_minute_jobs(at(10, 0, 3))  # the second worker, same minute
    assert "test.count" in run_minute_jobs(at(10, 1, 2))
    assert calls == [(at(10, 0, 2), None), (at(10, 1, 2), at(10, 0))]
    assert sorted(MinuteJobRun.objects.filter(job="test.count").values_list("slot", flat=True)) == [
        at(10, 0),
        at(10, 1),
    ]


def test_missed_slots_make_one_catch_up_run(db: Any, calls: Any) -> None:
    run_minute_jobs(at(10, 0, 2))
    run_minute_jobs(at(11, 30, 2))  # the worker was down for ninety minutes
    assert calls == [(at(10, 0, 2), None), (at(11, 30, 2), at(10, 0))]


def test_a_failing_job_is_logged_and_covered_again_next_minute(
    db: Any, calls: Any, caplog: Any
) -> None:
    attempts: list[datetime.datetime | None] = []

    def flaky(now: datetime.datetime, previous: datetime.datetime | None) -> None:
        attempts.append(previous)
        if len(attempts) == 2:
            raise RuntimeError("database went away")

    register_minute_job(MinuteJob(key="test.flaky", run=flaky))
    try:
        assert "test.flaky" in run_minute_jobs(at(9, 0, 2))
        assert "test.flaky" not in run_minute_jobs(at(9, 1, 2))
        assert "test.flaky" in run_minute_jobs(at(9, 2, 2))
    finally:
        unregister_minute_job("test.flaky")
    assert attempts == [None, at(9, 0), at(9, 0)]  # the failed minute is covered by the next run
    assert "The minute job test.flaky failed" in caplog.text
    assert len(calls) == 3  # the other job was not held up


def test_old_slots_are_pruned(db: Any, calls: Any) -> None:
    run_minute_jobs(at(10, 0))
    run_minute_jobs(at(10, 0) + datetime.timedelta(days=3))
    assert MinuteJobRun.objects.filter(job="test.count").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_worker_threads_at_the_same_minute_run_the_job_once(calls: Any) -> None:
    barrier = threading.Barrier(2)
    ran: list[list[str]] = []

    def worker() -> None:
        try:
            barrier.wait()
            ran.append(run_minute_jobs(at(12, 0, 2)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted("test.count" in keys for keys in ran) == [False, True]
    assert len(calls) == 1


def test_the_worker_checks_just_after_each_minute() -> None:
    assert seconds_until_next_check(120.0) == 2.0
    assert seconds_until_next_check(122.0) == 60.0
    assert seconds_until_next_check(150.5) == 31.5


def test_task_due_job_notifies_the_assignee_once(people: Any, english: Any) -> None:
    contact = contact_create(actor=people.owner, name="王芳")
    task = activity_create(
        actor=people.owner,
        kind="task",
        subject="电话回访",
        contact=contact,
        assignee=people.teammate,
        due_at=at(10, 0, 30),
    )
    activity_create(  # the owner's own task: reminders are not "their own action"
        actor=people.owner, kind="task", subject="自己的任务", contact=contact, due_at=at(10, 0, 40)
    )
    done = activity_create(  # done before it fell due: nobody is reminded
        actor=people.owner, kind="task", subject="已完成", contact=contact, due_at=at(10, 0, 40)
    )
    activity_set_done(actor=people.owner, activity=done, done=True)
    Notification.objects.all().delete()  # the "assigned" notification is not what this is about

    run_minute_jobs(at(9, 59, 2))
    assert Notification.objects.count() == 0
    run_minute_jobs(at(10, 1, 2))
    run_minute_jobs(at(10, 1, 5))  # a second worker in the same minute
    run_minute_jobs(at(10, 2, 2))
    due = Notification.objects.filter(kind="customers.task_due").order_by("pk")
    assert [(n.recipient.username, n.actor, n.title_text, n.body_text) for n in due] == [
        ("teammate", None, "Task due: 电话回访", "Customer: 王芳"),
        ("owner", None, "Task due: 自己的任务", "Customer: 王芳"),
    ]
    assert SentMarker.objects.filter(kind="customers.task_due").count() == 2

    # moved to a later time: it falls due again, and is announced again, once
    task.refresh_from_db()
    activity_update(actor=people.owner, activity=task, version=task.version, due_at=at(10, 5))
    run_minute_jobs(at(10, 5, 2))
    run_minute_jobs(at(10, 6, 2))
    assert (
        Notification.objects.filter(kind="customers.task_due", recipient=people.teammate).count()
        == 2
    )
