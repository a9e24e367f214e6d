from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.platform.models import Team, User
from guanxi.platform.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


def _language_choices() -> list[tuple[str, Any]]:
    from django.conf import settings

    return [("", _("Follow the browser")), *settings.LANGUAGES]


class UserFieldsForm(forms.Form):
    """What an administrator sets about a colleague; teams come from the organisation."""

    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SALES_REP)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )
    language = forms.ChoiceField(label=_("Language"), choices=(), required=False)

    def __init__(self, *args: Any, org_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field: Any = self.fields["team"]
        team_field.queryset = Team.objects.filter(org_id=org_id).order_by("name")
        language_field: Any = self.fields["language"]
        language_field.choices = _language_choices()

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["name"],
            "last_name": "",
            "email": data["email"],
            "role": data["role"],
            "team": data["team"],
            "language": data["language"],
        }


class UserCreateForm(UserFieldsForm):
    INVITE = "invite"
    PASSWORD = "password"  # noqa: S105 (a choice, not a secret)

    username = forms.CharField(label=_("User name"), max_length=150)
    how = forms.ChoiceField(
        label=_("How they sign in"),
        choices=[
            (INVITE, _("Send an invitation: they choose their own password")),
            (PASSWORD, _("Set a password now")),
        ],
        initial=INVITE,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, max_length=200, required=False
    )
    field_order = ["username", "name", "email", "role", "team", "language", "how", "password"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == self.INVITE and not data.get("email"):
            self.add_error("email", _("The invitation goes to this address."))
        if data.get("how") == self.PASSWORD and not data.get("password"):
            self.add_error("password", _("Enter a password, or send an invitation instead."))
        return data


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Managers see all of the team's customers and can hand them over."),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A user belongs to one team; adding them here moves them from their old one."),
    )

    def __init__(self, *args: Any, org_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(org_id=org_id, is_active=True).order_by("username")
        for name in ("managers", "members"):
            field: Any = self.fields[name]
            field.queryset = users
            field.label_from_instance = lambda user: f"{user.display_name} ({user.username})"


class HandoverForm(forms.Form):
    to_users = forms.ModelMultipleChoiceField(
        label=_("New owners"),
        queryset=User.objects.none(),
        help_text=_("With several new owners the records are shared out in turn."),
    )
    keep_access = forms.BooleanField(
        label=_("The previous owner keeps read access"),
        required=False,
        help_text=_("Added as a reader of each record, e.g. after a change of territory."),
    )
    confirm = forms.BooleanField(label=_("Yes, move these records now"))

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to_users"]
        field.queryset = targets
        field.label_from_instance = lambda user: f"{user.display_name} ({user.username})"
