from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts.views import LoginView
from apps.core.contributions import url_includes
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
    # Every installed app's pages, as it declares them (contribution.urls, apps/core/contributions.py).
    *(path(prefix, include(module)) for prefix, module in url_includes()),
]

# Chinese error pages in the site layout; JSON under /api/ and /open311/ (apps/core/errorpages.py).
handler400 = "apps.core.errorpages.bad_request"
handler403 = "apps.core.errorpages.permission_denied"
handler404 = "apps.core.errorpages.page_not_found"
handler500 = "apps.core.errorpages.server_error"
