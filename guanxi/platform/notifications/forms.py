from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.platform.models import Team
from guanxi.platform.notifications.models import BotService


class GroupBotForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    service = forms.ChoiceField(label=_("Service"), choices=BotService.choices)
    webhook_url = forms.CharField(label=_("Webhook URL"), max_length=500)
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        help_text=_("Only when the bot's security setting is 'signature' (DingTalk, Feishu)."),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Whole organisation"),
    )

    def __init__(self, *args: Any, org_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(org_id=org_id).order_by("name")  # type: ignore[attr-defined]
