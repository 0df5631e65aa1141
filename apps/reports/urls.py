from django.urls import path

from apps.reports import views

urlpatterns = [
    path("", views.ReportList.as_view(), name="report_list"),
    path("generate/", views.report_generate, name="report_generate"),
    path("jobs/<uuid:pk>/", views.report_job, name="report_job"),
    path("<int:pk>/", views.ReportDetail.as_view(), name="report_detail"),
    path("<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
]
