from django.urls import path

from apps.voting import views

urlpatterns = [
    path("", views.DecisionList.as_view(), name="voting_decision_list"),
    path("new/", views.DecisionCreate.as_view(), name="voting_decision_create"),
    path("policy/<int:compound_pk>/", views.policy_edit, name="voting_countingpolicy_edit"),
    path("<int:pk>/", views.decision_detail, name="voting_decision_detail"),
    path("<int:pk>/<str:verb>/do/", views.decision_action, name="voting_decision_action"),
    path("<int:pk>/ballot/", views.ballot, name="voting_decision_ballot"),
    path("<int:pk>/paper/", views.paper, name="voting_decision_paper"),
    path("<int:pk>/proxies/", views.proxy, name="voting_decision_proxy"),
    path("<int:pk>/notice/", views.notice, name="voting_decision_notice"),
    path("<int:pk>/paper/<int:paper_pk>/scan/", views.paper_scan, name="voting_paperballot_scan"),
    path("<int:pk>/proxies/<int:proxy_pk>/document/", views.proxy_document, name="voting_proxy_document"),
]
