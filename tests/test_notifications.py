"""Notifications: who is told, on which channels, and what really goes over SMTP and HTTP.

E-mail goes to a real SMTP server (aiosmtpd) and bot posts to a real HTTP server, both on
loopback; the tests read back exactly what arrived.
"""

from __future__ import annotations

import base64
import datetime
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guanxi.analytics.models import ScoreRefresh
from guanxi.analytics.notifications import notify_refresh_finished
from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.customers.notifications import notify_handover
from guanxi.customers.services.activities import activity_create, activity_update
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.handover import HandoverResult
from guanxi.platform.models import AuditEvent, User
from guanxi.platform.notifications import bots
from guanxi.platform.notifications.models import (
    Delivery,
    GroupBot,
    Notification,
    NotificationPreference,
)
from guanxi.platform.notifications.services.delivery import MAX_ATTEMPTS
from guanxi.platform.notifications.services.group_bots import group_bot_create
from guanxi.platform.notifications.services.inbox import notification_preferences_save
from guanxi.platform.notifications.services.notify import notify
from guanxi.platform.notifications.tasks import deliver_notification
from guanxi.platform.services.users import user_create

DELIVER = "guanxi.platform.notifications.tasks.deliver_notification"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- real servers on loopback -------------------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> Any:
    """Recipients without a language of their own get the default one; these tests read English
    (one test below checks a Chinese reader)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """aiosmtpd on 127.0.0.1; Django's default mailer points at it (MAILERS, Django 6.1)."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "guanxi@example.test"
    settings.GUANXI_BASE_URL = "https://crm.example.test"
    yield inbox
    controller.stop()


class _Receiver:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any], str]] = []
        self.answer_status = 200
        self.answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}


@pytest.fixture
def bot_receiver() -> Any:
    """A ThreadingHTTPServer on 127.0.0.1:0 that records each POST's path, JSON body and type."""
    receiver = _Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            receiver.posts.append((self.path, body, self.headers["Content-Type"]))
            answer = json.dumps(receiver.answer).encode()
            self.send_response(receiver.answer_status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.base = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield receiver
    server.shutdown()
    server.server_close()


# --- data ----------------------------------------------------------------------------------------


@pytest.fixture
def assignee(people: Any) -> User:
    return user_create(
        actor=None,
        username="lina",
        password="correct horse battery staple",
        org=people.org,
        team=people.team,
        first_name="娜",
        last_name="李",
        email="lina@example.test",
        check_password=False,
    )


@pytest.fixture
def contact(people: Any) -> Any:
    return contact_create(actor=people.owner, name="张伟")


def _assign_task(people: Any, contact: Any, assignee: User, capture: Any) -> Any:
    with capture(execute=True):
        return activity_create(
            actor=people.owner,
            kind="task",
            subject="回访张伟：报价",
            contact=contact,
            assignee=assignee,
            due_at=timezone.now() + datetime.timedelta(days=1),
        )


def _run_queued_deliveries() -> list[str]:
    """What `guanxi worker` would do: run each queued delivery task once."""
    outcomes = []
    for queued in DBTaskResult.objects.filter(task_path=DELIVER).order_by("enqueued_at"):
        outcomes.append(deliver_notification.call(*queued.args_kwargs["args"]))
        queued.delete()
    return outcomes


# --- who is told ---------------------------------------------------------------------------------


def test_assigning_a_task_notifies_the_assignee_in_app_and_by_email(
    people: Any,
    contact: Any,
    assignee: User,
    smtp_server: _Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    task = _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (
        assignee,
        people.owner,
        "customers.task_assigned",
    )
    assert notification.title_text == "owner assigned you a task: 回访张伟：报价"
    assert notification.body_text == "Customer: 张伟"
    assert notification.url == f"/contacts/{contact.public_id}/"
    assert (notification.subject_type, notification.subject_id) == ("customers.activity", task.pk)
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "pending", 0)
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 1

    assert _run_queued_deliveries() == ["sent"]
    [(sender, recipients, raw)] = smtp_server.messages
    assert (sender, recipients) == ("guanxi@example.test", ["lina@example.test"])
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == "lina@example.test"
    assert message["Subject"] == "owner assigned you a task: 回访张伟：报价"
    assert message.get_content().replace("\r\n", "\n") == (
        f"Customer: 张伟\n\nhttps://crm.example.test/contacts/{contact.public_id}/\n"
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")
    assert delivery.sent_at is not None

    assert deliver_notification.call(delivery.pk) == "sent"  # run twice: sent once
    assert len(smtp_server.messages) == 1


def test_a_task_is_never_posted_to_a_group_chat(
    people: Any,
    contact: Any,
    assignee: User,
    bot_receiver: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    group_bot_create(
        actor=people.admin, name="群", service="wecom", webhook_url=f"{bot_receiver.base}/hook"
    )
    notification_preferences_save(
        actor=assignee, choices={("customers.task_assigned", "group_bot"): True}
    )
    _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(channel="group_bot").count() == 0
    _run_queued_deliveries()
    assert bot_receiver.posts == []


def test_a_chinese_reader_gets_the_e_mail_in_chinese(
    people: Any,
    contact: Any,
    assignee: User,
    smtp_server: _Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assignee.language = "zh-hans"
    assignee.save(update_fields=["language"])
    _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    assert _run_queued_deliveries() == ["sent"]
    [(_sender, _recipients, raw)] = smtp_server.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "owner 给你分配了任务：回访张伟：报价"


def test_nobody_is_told_of_their_own_action_and_inactive_people_are_skipped(
    people: Any, contact: Any, assignee: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(actor=people.owner, kind="task", subject="自己的任务", contact=contact)
        activity_create(actor=people.owner, kind="note", subject="备注", contact=contact)
    assert Notification.objects.count() == 0

    assignee.is_active = False
    assignee.save(update_fields=["is_active"])
    rows = notify(
        kind="customers.task_assigned",
        recipients=[assignee, people.owner, None],
        actor=people.owner,
        title="Hello",
    )
    assert rows == [] and Notification.objects.count() == 0


def test_reassigning_notifies_the_new_assignee_only(
    people: Any, contact: Any, assignee: User, django_capture_on_commit_callbacks: Any
) -> None:
    task = _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        task = activity_update(actor=people.owner, activity=task, version=task.version, body="更多")
        activity_update(
            actor=people.owner, activity=task, version=task.version, assignee=people.teammate
        )
    assert list(
        Notification.objects.order_by("pk").values_list("recipient__username", flat=True)
    ) == ["lina", "teammate"]


def test_preferences_choose_the_channels(
    people: Any,
    contact: Any,
    assignee: User,
    smtp_server: _Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    saved = notification_preferences_save(
        actor=assignee,
        choices={
            ("customers.task_assigned", "email"): False,
            ("customers.task_due", "in_app"): False,
        },
    )
    assert saved == {"customers.task_assigned": ["in_app"], "customers.task_due": ["email"]}
    event = AuditEvent.objects.get(verb="notifications.preferences.changed")
    assert event.changes == {
        "customers.task_assigned": {"before": ["email", "in_app"], "after": ["in_app"]},
        "customers.task_due": {"before": ["email", "in_app"], "after": ["email"]},
    }
    _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    assert Notification.objects.get().in_app is True
    assert Delivery.objects.count() == 0

    notification_preferences_save(
        actor=assignee,
        choices={
            ("customers.task_assigned", "in_app"): False,
            ("customers.task_assigned", "email"): True,
        },
    )
    _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    hidden = Notification.objects.order_by("pk").last()
    assert hidden is not None and hidden.in_app is False
    assert list(Delivery.objects.values_list("notification_id", "channel")) == [
        (hidden.pk, "email")
    ]
    assert _run_queued_deliveries() == ["sent"]
    assert len(smtp_server.messages) == 1

    notification_preferences_save(
        actor=assignee, choices={("customers.task_assigned", "email"): False}
    )
    _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    assert Notification.objects.count() == 2  # every channel off: nothing at all


def test_email_without_smtp_is_recorded_as_not_configured(
    people: Any,
    contact: Any,
    assignee: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    assert _run_queued_deliveries() == ["not_configured"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "not_configured",
        1,
        "No SMTP server is configured (EMAIL_HOST).",
    )
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 0  # not retried


def test_email_to_a_person_without_an_address_is_skipped(
    people: Any,
    contact: Any,
    smtp_server: _Inbox,
    django_capture_on_commit_callbacks: Any,
    english: Any,
) -> None:
    _assign_task(people, contact, people.teammate, django_capture_on_commit_callbacks)
    assert _run_queued_deliveries() == ["skipped"]
    assert Delivery.objects.get().last_error == "The recipient has no e-mail address."
    assert smtp_server.messages == []


def test_a_failing_smtp_server_is_retried_with_back_off_then_given_up(
    people: Any,
    contact: Any,
    assignee: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _free_port(), "timeout": 5},
        }
    }
    _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    before = timezone.now()
    assert _run_queued_deliveries() == ["retrying"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert delivery.last_error.startswith("ConnectionRefusedError")
    retry = DBTaskResult.objects.get(task_path=DELIVER)
    assert retry.args_kwargs["args"] == [delivery.pk]
    assert (
        before + datetime.timedelta(seconds=29)
        < retry.run_after
        < timezone.now() + datetime.timedelta(seconds=31)
    )
    for _attempt in range(MAX_ATTEMPTS - 1):
        _run_queued_deliveries()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 0


# --- group bots ----------------------------------------------------------------------------------


def _dingtalk_signature(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _feishu_signature(secret: str, timestamp: str) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_group_bots_receive_each_services_format_and_signature(
    people: Any,
    contact: Any,
    assignee: User,
    bot_receiver: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.GUANXI_BASE_URL = "https://crm.example.test"
    base = bot_receiver.base
    group_bot_create(
        actor=people.admin,
        name="东区钉钉群",
        service="dingtalk",
        webhook_url=f"{base}/robot/send?access_token=abc",
        secret="SEC123",
        team=people.team,
    )
    group_bot_create(
        actor=people.admin,
        name="东区企业微信群",
        service="wecom",
        webhook_url=f"{base}/cgi-bin/webhook/send?key=k1",
        team=people.team,
    )
    group_bot_create(
        actor=people.admin,
        name="公司飞书群",
        service="feishu",
        webhook_url=f"{base}/open-apis/bot/v2/hook/h1",
        secret="fs-secret",
    )
    for person in (assignee, people.outsider):
        notification_preferences_save(
            actor=person,
            choices={
                ("customers.handed_over", "group_bot"): True,
                ("customers.handed_over", "email"): False,
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="customers.handed_over",
            recipients=[assignee, people.outsider],
            actor=people.owner,
            title="%(actor)s handed customers over to you",
            body="Contacts: %(contacts)s",
            params={"actor": "owner", "contacts": "3"},
            url="/contacts/",
        )
    assert Delivery.objects.filter(channel="group_bot").count() == 3
    assert _run_queued_deliveries() == ["sent", "sent", "sent"]

    text_east = "【Customers are handed over to me】owner handed customers over to you\nFor: 李娜\nContacts: 3\n\nhttps://crm.example.test/contacts/"
    text_org = text_east.replace("李娜", "outsider")
    posts = {path.split("?")[0]: (path, body, kind) for path, body, kind in bot_receiver.posts}
    assert set(posts) == {"/robot/send", "/cgi-bin/webhook/send", "/open-apis/bot/v2/hook/h1"}
    assert {kind for _path, _body, kind in posts.values()} == {"application/json; charset=utf-8"}

    path, body, _kind = posts["/cgi-bin/webhook/send"]
    assert path == "/cgi-bin/webhook/send?key=k1"
    assert body == {"msgtype": "text", "text": {"content": text_east}}

    path, body, _kind = posts["/robot/send"]
    assert body == {"msgtype": "text", "text": {"content": text_east}}
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["abc"]
    [timestamp], [sign] = query["timestamp"], query["sign"]
    assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 60_000
    assert sign == _dingtalk_signature("SEC123", timestamp)
    assert f"&sign={urllib.parse.quote_plus(sign)}" in path  # URL-encoded on the wire

    path, body, _kind = posts["/open-apis/bot/v2/hook/h1"]
    assert set(body) == {"timestamp", "sign", "msg_type", "content"}
    assert (body["msg_type"], body["content"]) == ("text", {"text": text_org})
    assert abs(int(body["timestamp"]) - timezone.now().timestamp()) < 60
    assert body["sign"] == _feishu_signature("fs-secret", body["timestamp"])


def test_a_bot_that_refuses_is_retried_and_the_error_kept(
    people: Any,
    contact: Any,
    assignee: User,
    bot_receiver: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    group_bot_create(
        actor=people.admin, name="群", service="wecom", webhook_url=f"{bot_receiver.base}/hook"
    )
    notification_preferences_save(
        actor=assignee,
        choices={
            ("customers.handed_over", "group_bot"): True,
            ("customers.handed_over", "email"): False,
        },
    )
    bot_receiver.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="customers.handed_over",
            recipients=[assignee],
            actor=people.owner,
            title="%(actor)s handed customers over to you",
            params={"actor": "owner"},
            url="/contacts/",
        )
    assert _run_queued_deliveries() == ["retrying"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "retrying",
        1,
        "BotDeliveryError: errcode 93000: invalid webhook url",
    )
    bot_receiver.answer_status, bot_receiver.answer = 502, {}
    assert _run_queued_deliveries() == ["retrying"]
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (2, "BotDeliveryError: HTTP 502 Bad Gateway")
    bot_receiver.answer_status, bot_receiver.answer = 200, {"errcode": 0, "errmsg": "ok"}
    assert _run_queued_deliveries() == ["sent"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert len(bot_receiver.posts) == 3


def test_webhook_addresses_are_checked(people: Any, english: Any) -> None:
    for bad in (
        "ftp://example.test/hook",
        "example.test/hook",
        "https://user:pw@example.test/x",
        "javascript:alert(1)",
    ):
        with pytest.raises(ServiceValidationError) as error:
            group_bot_create(actor=people.admin, name="x", service="wecom", webhook_url=bad)
        assert "webhook_url" in error.value.field_errors
    with pytest.raises(ServiceValidationError) as error:
        group_bot_create(
            actor=people.admin, name="x", service="slack", webhook_url="https://a.test/"
        )
    assert error.value.field_errors == {"service": ["Choose WeCom, DingTalk or Feishu."]}
    with pytest.raises(PermissionDeniedError):
        group_bot_create(
            actor=people.manager, name="x", service="wecom", webhook_url="https://a.test/"
        )
    assert GroupBot.objects.count() == 0
    assert bots.validate_webhook_url(
        " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1 "
    ) == ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1")


def test_signatures_match_the_documented_examples() -> None:
    assert bots.dingtalk_sign("SEC123", 1700000000000) == urllib.parse.quote_plus(
        _dingtalk_signature("SEC123", "1700000000000")
    )
    assert bots.feishu_sign("fs-secret", 1700000000) == _feishu_signature("fs-secret", "1700000000")
    url, body = bots.build_request(
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=t",
        "你好",
        secret="",
        now=1.0,
    )
    assert (url, body) == (
        "https://oapi.dingtalk.com/robot/send?access_token=t",
        {"msgtype": "text", "text": {"content": "你好"}},
    )
    url, body = bots.build_request(
        "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/x", "你好", now=1.0
    )
    assert body == {"msg_type": "text", "content": {"text": "你好"}}


# --- the other kinds -----------------------------------------------------------------------------


def test_handover_tells_each_new_owner_what_came_to_them(
    people: Any, assignee: User, django_capture_on_commit_callbacks: Any
) -> None:
    result = HandoverResult(
        actor=people.manager,
        from_user=people.owner,
        to_users=[people.teammate, assignee],
        counts={"accounts": 1, "contacts": 3, "tasks": 0},
        counts_by_owner={
            people.teammate.pk: {"accounts": 1, "contacts": 2},
            assignee.pk: {"contacts": 1, "tasks": 0},
        },
    )
    notify_handover(result)
    rows = Notification.objects.order_by("recipient__username")
    assert [
        (row.recipient.username, row.kind, row.title_text, row.body_text, row.url) for row in rows
    ] == [
        (
            "lina",
            "customers.handed_over",
            "owner's customers were handed over to you",
            "Now yours: 0 accounts, 1 contacts, 0 open tasks.",
            f"/contacts/?owner={assignee.pk}",
        ),
        (
            "teammate",
            "customers.handed_over",
            "owner's customers were handed over to you",
            "Now yours: 1 accounts, 2 contacts, 0 open tasks.",
            f"/contacts/?owner={people.teammate.pk}",
        ),
    ]


def test_analytics_refresh_tells_who_started_it_or_the_administrators_when_it_failed(
    people: Any,
) -> None:
    started = ScoreRefresh.objects.create(
        org=people.org, actor=people.manager, as_of=datetime.date(2026, 11, 25), customers=12
    )
    notify_refresh_finished(started)
    row = Notification.objects.get()
    assert (row.recipient, row.actor, row.kind) == (
        people.manager,
        None,
        "analytics.refresh_finished",
    )
    assert (row.title_text, row.body_text, row.url) == (
        "Customer scores recomputed: 12 customers",
        "As of 2026-11-25.",
        "/analytics/",
    )

    nightly = ScoreRefresh.objects.create(
        org=people.org, actor=None, as_of=datetime.date(2026, 11, 26)
    )
    notify_refresh_finished(nightly)
    assert Notification.objects.count() == 1  # a routine nightly success tells nobody
    notify_refresh_finished(nightly, failed=True)
    failed = Notification.objects.exclude(pk=row.pk)
    assert [(n.recipient.username, n.title_text) for n in failed] == [
        ("admin", "Recomputing customer scores failed")
    ]


def test_notify_refuses_unknown_kinds_and_foreign_links(people: Any) -> None:
    with pytest.raises(LookupError):
        notify(kind="nope.unknown", recipients=[people.teammate], actor=None, title="x")
    with pytest.raises(ValueError):
        notify(
            kind="customers.task_due",
            recipients=[people.teammate],
            actor=None,
            title="x",
            url="https://evil.test/",
        )
    assert Notification.objects.count() == 0


# --- pages ---------------------------------------------------------------------------------------


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_bell_list_and_mark_read(
    people: Any, contact: Any, assignee: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(assignee)
    empty = client.get("/notifications/", **ENGLISH).content.decode()
    assert "No notifications yet." in empty and 'class="badge"' not in empty

    for _n in range(2):
        _assign_task(people, contact, assignee, django_capture_on_commit_callbacks)
    page = client.get("/notifications/", **ENGLISH).content.decode()
    assert '<span class="badge">2</span>' in page
    assert page.count("owner assigned you a task: 回访张伟：报价") == 2
    assert f'href="/contacts/{contact.public_id}/"' in page
    newest, oldest = Notification.objects.order_by("-pk")
    assert page.index(str(newest.public_id)) < page.index(str(oldest.public_id))
    local = timezone.localtime(newest.created_at).strftime("%Y-%m-%d %H:%M")
    assert f">{local}</time>" in page

    # someone else's notification: not found, and unchanged
    assert (
        _client(people.teammate).post(f"/notifications/{newest.public_id}/read/").status_code == 404
    )
    assert _client(None).post(f"/notifications/{newest.public_id}/read/").status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 2

    fragment = client.post(
        f"/notifications/{newest.public_id}/read/", headers={"HX-Request": "true"}, **ENGLISH
    )
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith(
        f'<li class="notification" id="notification-{newest.public_id}">'
    )
    assert "Mark read" not in html
    assert '<span class="badge">1</span>' in client.get("/notifications/").content.decode()

    assert client.get("/notifications/read-all/").status_code == 405
    assert client.post("/notifications/read-all/").status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_the_bell_costs_no_query_once_counted(
    people: Any, assignee: User, django_assert_num_queries: Any
) -> None:
    from guanxi.platform.notifications.cache import unread_count

    notify(
        kind="customers.task_due",
        recipients=[assignee],
        actor=None,
        title="Task due: %(task)s",
        params={"task": "x"},
    )
    with django_assert_num_queries(1):
        assert unread_count(assignee.pk) == 1
    with django_assert_num_queries(0):
        assert unread_count(assignee.pk) == 1


def test_list_pages_by_cursor(people: Any, assignee: User) -> None:
    for number in range(35):
        notify(
            kind="customers.task_due",
            recipients=[assignee],
            actor=None,
            title="Task due: %(task)s",
            params={"task": f"T{number:02d}"},
        )
    client = _client(assignee)
    first = client.get("/notifications/", **ENGLISH)
    html = first.content.decode()
    assert "Task due: T34" in html and "Task due: T05" in html and "Task due: T04" not in html
    cursor = first.context["page"].next_cursor
    second = client.get(f"/notifications/?cursor={cursor}", **ENGLISH).content.decode()
    assert "Task due: T04" in second and "Task due: T00" in second and "Task due: T05" not in second


def test_preferences_page(people: Any, assignee: User) -> None:
    client = _client(assignee)
    page = client.get("/notifications/settings/", **ENGLISH).content.decode()
    assert "A task is assigned to me" in page
    assert (
        'name="customers.task_assigned:email" aria-label="A task is assigned to me: E-mail" checked'
        in page
    )
    # A task names its customer: it is never posted to a group chat, so there is no box for it.
    assert 'name="customers.task_assigned:group_bot"' not in page
    assert (
        'name="customers.handed_over:group_bot" aria-label="Customers are handed over to me: '
        'Group bot">' in page
    )
    response = client.post(
        "/notifications/settings/",
        {
            "customers.task_assigned:group_bot": "on",
            "customers.handed_over:group_bot": "on",
            "customers.task_due:in_app": "on",
        },
    )
    assert response.status_code == 302
    stored = set(
        NotificationPreference.objects.filter(user=assignee, enabled=True).values_list(
            "kind", "channel"
        )
    )
    assert stored == {("customers.handed_over", "group_bot"), ("customers.task_due", "in_app")}
    assert _client(None).get("/notifications/settings/").status_code == 302


def test_group_bot_settings_page_is_for_administrators(people: Any, english: Any) -> None:
    form = {
        "name": "销售群",
        "service": "feishu",
        "webhook_url": "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
        "secret": "s",
        "team": people.team.pk,
    }
    for outsider in (people.manager, people.owner):
        assert _client(outsider).get("/settings/group-bots/").status_code == 403
        assert _client(outsider).post("/settings/group-bots/", form).status_code == 403
    assert GroupBot.objects.count() == 0
    admin = _client(people.admin)
    assert "No group bots yet." in admin.get("/settings/group-bots/", **ENGLISH).content.decode()
    assert admin.post("/settings/group-bots/", form).status_code == 302
    bot = GroupBot.objects.get()
    assert (bot.name, bot.service, bot.team, bot.secret) == ("销售群", "feishu", people.team, "s")
    bad = admin.post("/settings/group-bots/", {**form, "webhook_url": "ftp://x"}, **ENGLISH)
    assert (
        "Enter the bot&#x27;s full webhook address, starting with https://." in bad.content.decode()
    )
    assert (
        _client(people.manager).post(f"/settings/group-bots/{bot.public_id}/delete/").status_code
        == 403
    )
    assert admin.post(f"/settings/group-bots/{bot.public_id}/delete/").status_code == 302
    assert GroupBot.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(verb__startswith="notifications.group_bot")
        .values_list("verb", flat=True)
        .order_by("pk")
    ) == [
        "notifications.group_bot.created",
        "notifications.group_bot.deleted",
    ]
