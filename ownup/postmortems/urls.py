from django.urls import path

from . import views

urlpatterns = [
    path("", views.postmortem_list, name="postmortem_list"),
    path("template/", views.postmortem_template, name="postmortem_template"),
    path("start/<uuid:incident_id>/", views.postmortem_start, name="postmortem_start"),
    path("shared/<str:token>/", views.postmortem_shared, name="postmortem_shared"),
    path("<uuid:postmortem_id>/", views.postmortem_detail, name="postmortem_detail"),
    path("<uuid:postmortem_id>/check/", views.postmortem_check, name="postmortem_check"),
    path("<uuid:postmortem_id>/submit/", views.postmortem_submit, name="postmortem_submit"),
    path("<uuid:postmortem_id>/draft/", views.postmortem_back_to_draft,
         name="postmortem_back_to_draft"),
    path("<uuid:postmortem_id>/publish/", views.postmortem_publish, name="postmortem_publish"),
    path("<uuid:postmortem_id>/comment/", views.postmortem_comment, name="postmortem_comment"),
    path("<uuid:postmortem_id>/share/", views.postmortem_share, name="postmortem_share"),
    path("<uuid:postmortem_id>/unshare/", views.postmortem_unshare, name="postmortem_unshare"),
    path("<uuid:postmortem_id>/delete/", views.postmortem_delete, name="postmortem_delete"),
    path("<uuid:postmortem_id>/export.<str:fmt>", views.postmortem_export,
         name="postmortem_export"),
]
