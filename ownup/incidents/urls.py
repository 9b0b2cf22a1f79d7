from django.urls import path

from . import disruption_views, views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("new/", views.incident_create, name="incident_create"),
    path("disruptions/", disruption_views.disruption_list, name="disruption_list"),
    path("disruptions/new/", disruption_views.disruption_create, name="disruption_create"),
    path("disruptions/<uuid:disruption_id>/", disruption_views.disruption_detail,
         name="disruption_detail"),
    path("disruptions/<uuid:disruption_id>/reassign/", disruption_views.disruption_reassign,
         name="disruption_reassign"),
    path("<uuid:incident_id>/", views.incident_detail, name="incident_detail"),
    path("<uuid:incident_id>/picture/", views.incident_picture, name="incident_picture"),
    path("<uuid:incident_id>/correct/", views.incident_correct, name="incident_correct"),
    path("<uuid:incident_id>/team/", views.incident_team, name="incident_team"),
    path("<uuid:incident_id>/threads/", views.incident_link_thread, name="incident_link_thread"),
    path("<uuid:incident_id>/threads/<uuid:thread_id>/unlink/", views.incident_unlink_thread,
         name="incident_unlink_thread"),
    path("<uuid:incident_id>/message/<slug:moment>/", views.incident_message,
         name="incident_message"),
    path("<uuid:incident_id>/steps/<slug:step>/", views.incident_step, name="incident_step"),
    path("<uuid:incident_id>/severity/", views.incident_severity, name="incident_severity"),
    path("<uuid:incident_id>/close/", views.incident_close, name="incident_close"),
    path("<uuid:incident_id>/reopen/", views.incident_reopen, name="incident_reopen"),
    path("<uuid:incident_id>/note/", views.incident_note, name="incident_note"),
    path("<uuid:incident_id>/call-sheet/", views.incident_call_sheet, name="incident_call_sheet"),
    path("<uuid:incident_id>/call.ics", views.incident_ics, name="incident_ics"),
]
