from django.urls import include, path

from guanxi.platform.views import handover, invitations, users
from guanxi.platform.views.auth import login_view, logout_view, set_language_view
from guanxi.platform.views.settings import api_token_revoke_view, api_tokens_view, audit_log_view
from guanxi.platform.views.sharing import sharing_settings_view

urlpatterns = [
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("language/", set_language_view, name="set-language"),
    path("settings/tokens/", api_tokens_view, name="api-tokens"),
    path(
        "settings/tokens/<uuid:public_id>/revoke/", api_token_revoke_view, name="api-token-revoke"
    ),
    path("audit/", audit_log_view, name="audit-log"),
    path("settings/sharing/", sharing_settings_view, name="sharing-settings"),
    path("users/", users.user_list_view, name="user-list"),
    path("users/new/", users.user_create_view, name="user-create"),
    path("users/<uuid:public_id>/", users.user_edit_view, name="user-edit"),
    path(
        "users/<uuid:public_id>/deactivate/",
        users.user_deactivate_view,
        name="user-deactivate",
    ),
    path(
        "users/<uuid:public_id>/reactivate/",
        users.user_reactivate_view,
        name="user-reactivate",
    ),
    path("teams/", users.team_list_view, name="team-list"),
    path("teams/<uuid:public_id>/", users.team_edit_view, name="team-edit"),
    path("handover/", handover.handover_start_view, name="handover-start"),
    path("handover/<uuid:public_id>/", handover.handover_view, name="handover"),
    path("invitations/<str:token>/", invitations.invitation_accept_view, name="invitation-accept"),
    path("", include("guanxi.platform.imports.urls")),
]
