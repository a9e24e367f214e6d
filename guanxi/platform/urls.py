from django.urls import path

from guanxi.platform.views.auth import login_view, logout_view, set_language_view
from guanxi.platform.views.settings import api_token_revoke_view, api_tokens_view, audit_log_view

urlpatterns = [
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("language/", set_language_view, name="set-language"),
    path("settings/tokens/", api_tokens_view, name="api-tokens"),
    path(
        "settings/tokens/<uuid:public_id>/revoke/", api_token_revoke_view, name="api-token-revoke"
    ),
    path("audit/", audit_log_view, name="audit-log"),
]
