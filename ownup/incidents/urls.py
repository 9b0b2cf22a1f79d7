from django.urls import path

from . import views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("new/", views.incident_create, name="incident_create"),
    path("<uuid:incident_id>/", views.incident_detail, name="incident_detail"),
    path("<uuid:incident_id>/picture/", views.incident_picture, name="incident_picture"),
    path("<uuid:incident_id>/steps/<slug:step>/", views.incident_step, name="incident_step"),
    path("<uuid:incident_id>/severity/", views.incident_severity, name="incident_severity"),
    path("<uuid:incident_id>/close/", views.incident_close, name="incident_close"),
    path("<uuid:incident_id>/reopen/", views.incident_reopen, name="incident_reopen"),
    path("<uuid:incident_id>/note/", views.incident_note, name="incident_note"),
    path("<uuid:incident_id>/call-sheet/", views.incident_call_sheet, name="incident_call_sheet"),
    path("<uuid:incident_id>/call.ics", views.incident_ics, name="incident_ics"),
]
