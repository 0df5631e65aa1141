from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from apps.committees import views

urlpatterns = [
    path("", views.CommitteeList.as_view(), name="committee_list"),
    path(
        "import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["committees"])),
        name="committee_import",
    ),
    path("new/", views.CommitteeCreate.as_view(), name="committee_create"),
    path("<int:pk>/", views.CommitteeDetail.as_view(), name="committee_detail"),
    path("<int:pk>/edit/", views.CommitteeUpdate.as_view(), name="committee_update"),
    path("<int:pk>/members/new/", views.MemberAdd.as_view(), name="member_add"),
    path("members/<int:pk>/edit/", views.MemberUpdate.as_view(), name="member_update"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("rules/", views.RulesList.as_view(), name="committeerules_list"),
    path("rules/new/", views.RulesCreate.as_view(), name="committeerules_create"),
    path("rules/<int:pk>/", views.RulesDetail.as_view(), name="committeerules_detail"),
    path("rules/<int:pk>/edit/", views.RulesUpdate.as_view(), name="committeerules_update"),
]
