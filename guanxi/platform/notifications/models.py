"""Notifications, preferences, group bots, the delivery log, and markers that keep jobs idempotent.

Title and body are stored as English message templates with their parameters, and translated
when shown or sent, so each person reads them in their own language whatever language the
person who caused them used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import TimestampedModel
from guanxi.platform.notifications.kinds import Channel, get_kind
from guanxi.platform.notifications.text import render_text


class Notification(TimestampedModel):
    org = models.ForeignKey("platform.Organization", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    # False when the person turned the in-app channel off but still gets e-mail or a bot post:
    # the row then only carries the text for those deliveries.
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "in_app", "read_at"], name="notifications_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def title_text(self) -> str:
        return render_text(self.title, self.params)

    @property
    def body_text(self) -> str:
        return render_text(self.body, self.params)

    @property
    def kind_label(self) -> str:
        try:
            return str(get_kind(self.kind).label)
        except LookupError:  # a kind whose app was removed: its rows still show
            return self.kind


class NotificationPreference(models.Model):
    """A person's choice for one kind on one channel; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=80)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notifications_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}={self.enabled}"


class BotService(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    FEISHU = "feishu", _("Feishu / Lark (飞书)")


class GroupBot(TimestampedModel):
    """A chat group's incoming webhook; a team's bot, or the whole organisation's when no team."""

    org = models.ForeignKey("platform.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "platform.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    name = models.CharField(_("name"), max_length=100)
    service = models.CharField(_("service"), max_length=20, choices=BotService.choices)
    webhook_url = models.CharField(_("webhook URL"), max_length=500)
    # Needed in clear to sign each message (DingTalk and Feishu "signature" security setting).
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("group bot")
        verbose_name_plural = _("group bots")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Will retry")
    FAILED = "failed", _("Failed")
    NOT_CONFIGURED = "not_configured", _("Not configured")
    SKIPPED = "skipped", _("Skipped")


class Delivery(models.Model):
    """One e-mail to a person, or one post to a group bot, with its outcome."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    bot = models.ForeignKey(GroupBot, on_delete=models.SET_NULL, null=True, blank=True)
    # The people a bot post is about (display names), fixed when it was queued.
    mentions = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"


class SentMarker(models.Model):
    """Proof that a kind was already sent about one occurrence (a task falling due at 10:00)."""

    kind = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="notifications_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class MinuteJobRun(models.Model):
    """A minute job's claimed slot: the unique (job, slot) lets exactly one worker run it.

    Kept here rather than in the platform app so that the scheduler's table needs no change to a
    migration chain other people are extending; ``guanxi.platform.schedule`` owns the logic.
    """

    job = models.CharField(max_length=80)
    slot = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="notifications_minute_slot_once")
        ]
        indexes = [models.Index(fields=["job", "-slot"], name="notifications_minute_job_idx")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"
