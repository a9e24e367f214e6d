from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from guanxi.platform.api import api
from guanxi.platform.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every page whatever the <link rel="icon"> says.
    path("favicon.ico", RedirectView.as_view(url=static("guanxi/favicon.svg"))),
    path("api/v1/", api.urls),
    path("", include("guanxi.platform.urls")),
    path("", include("guanxi.platform.notifications.urls")),
    path("", include("guanxi.customers.urls")),
    path("", include("guanxi.commerce.urls")),
    path("", include("guanxi.sales.urls")),
    path("", include("guanxi.workspace.urls")),
]
