from django.urls import path

from guanxi.platform.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list_view, name="notification-list"),
    path(
        "notifications/<uuid:public_id>/read/",
        views.notification_read_view,
        name="notification-read",
    ),
    path("notifications/read-all/", views.notification_read_all_view, name="notification-read-all"),
    path(
        "notifications/settings/",
        views.notification_preferences_view,
        name="notification-preferences",
    ),
    path("settings/group-bots/", views.group_bots_view, name="group-bots"),
    path(
        "settings/group-bots/<uuid:public_id>/delete/",
        views.group_bot_delete_view,
        name="group-bot-delete",
    ),
]
