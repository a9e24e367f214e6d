from django.urls import path

from guanxi.workspace.views.analytics import analytics_view
from guanxi.workspace.views.analytics_refresh import (
    analytics_refresh_status_view,
    analytics_refresh_view,
)
from guanxi.workspace.views.customer360 import account_360_view, contact_360_view
from guanxi.workspace.views.dashboard import dashboard_view
from guanxi.workspace.views.search import search_view

urlpatterns = [
    path("", dashboard_view, name="dashboard"),
    path("search/", search_view, name="search"),
    path("analytics/", analytics_view, name="analytics"),
    path("analytics/refresh/", analytics_refresh_view, name="analytics-refresh"),
    path(
        "analytics/refresh/status/",
        analytics_refresh_status_view,
        name="analytics-refresh-status",
    ),
    path("contacts/<uuid:public_id>/", contact_360_view, name="contact-detail"),
    path("accounts/<uuid:public_id>/", account_360_view, name="account-detail"),
]
