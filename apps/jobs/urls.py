from django.urls import path

from apps.jobs import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("selftest/", views.job_selftest, name="job_selftest"),
    path("<uuid:pk>/", views.job_detail, name="job_detail"),
    path("<uuid:pk>/progress/", views.job_progress, name="job_progress"),
    path("<uuid:pk>/file/", views.job_file, name="job_file"),
    path("<uuid:pk>/cancel/", views.job_cancel, name="job_cancel"),
]
