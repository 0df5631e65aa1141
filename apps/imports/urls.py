from django.urls import path

from apps.imports import views

urlpatterns = [
    path("", views.import_index, name="import_index"),
    path("batches/<uuid:pk>/", views.import_batch, name="import_batch"),
    path("batches/<uuid:pk>/status/", views.import_batch_status, name="import_batch_status"),
    path("batches/<uuid:pk>/commit/", views.import_batch_commit, name="import_batch_commit"),
    path("batches/<uuid:pk>/marked/", views.import_batch_marked, name="import_batch_marked"),
    path("<slug:ledger>/", views.import_start, name="import_start"),
    path("<slug:ledger>/template/", views.import_template, name="import_template"),
]
