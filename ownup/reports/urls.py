from django.urls import path

from . import views

urlpatterns = [
    path("", views.agency, name="reports"),
    path("clients/<uuid:client_id>/", views.client_report, name="report_client"),
    path("clients/<uuid:client_id>/review.pdf", views.client_review_pdf,
         name="report_client_review"),
]
