from django.urls import path

from apps.dashboards import lists, views

urlpatterns = [
    path("", views.DashboardPage.as_view(), name="dashboard"),
    path("list/<slug:kind>/", lists.dashboard_list, name="dashboard_list"),
]
