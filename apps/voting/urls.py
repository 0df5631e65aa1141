from django.urls import path

from apps.voting import views

urlpatterns = [
    path("", views.DecisionList.as_view(), name="decision_list"),
    path("new/", views.DecisionCreate.as_view(), name="decision_create"),
    path("policy/<int:compound_pk>/", views.policy_edit, name="countingpolicy_edit"),
    path("<int:pk>/", views.decision_detail, name="decision_detail"),
    path("<int:pk>/<str:verb>/do/", views.decision_action, name="decision_action"),
    path("<int:pk>/ballot/", views.ballot, name="decision_ballot"),
    path("<int:pk>/paper/", views.paper, name="decision_paper"),
    path("<int:pk>/proxies/", views.proxy, name="decision_proxy"),
    path("<int:pk>/notice/", views.notice, name="decision_notice"),
    path("<int:pk>/paper/<int:paper_pk>/scan/", views.paper_scan, name="paperballot_scan"),
    path("<int:pk>/proxies/<int:proxy_pk>/document/", views.proxy_document, name="proxy_document"),
]
