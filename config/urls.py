from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts.views import LoginView
from apps.core.home import home
from apps.core.views import healthz

admin.site.site_header = settings.PLATFORM_NAME
admin.site.site_title = settings.PLATFORM_NAME
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("regions/", include("apps.regions.urls")),
    path("registry/", include("apps.registry.urls")),
    path("party/", include("apps.party.urls")),
    path("committees/", include("apps.committees.urls")),
    path("programs/", include("apps.programs.urls")),  # TEMPORARY until contributions are mounted
    path("dashboard/", include("apps.dashboards.urls")),
    path("workorders/", include("apps.workorders.urls")),
    path("inbox/", include("apps.notifications.urls")),
    path("", include("apps.api.urls")),  # /api/v1/ and /open311/v2/
]
