from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("rows/", views.inbox_rows, name="inbox_rows"),
    path("unmatched/", views.unmatched, name="inbox_unmatched"),
    path("quarantine/", views.quarantine, name="inbox_quarantine"),
    path("agreement/<uuid:client_id>/send/", views.agreement_send, name="agreement_send"),
    path("quarantine/<uuid:pk>/raw/", views.quarantine_raw, name="inbox_quarantine_raw"),
    path("attachments/<uuid:attachment_id>/", views.attachment_download,
         name="attachment_download"),
    path("<uuid:thread_id>/", views.thread_detail, name="thread_detail"),
    path("<uuid:thread_id>/draft/", views.thread_draft, name="thread_draft"),
    path("<uuid:thread_id>/reply/", views.thread_reply, name="thread_reply"),
    path("<uuid:thread_id>/status/", views.thread_status, name="thread_status"),
    path("<uuid:thread_id>/classify/", views.thread_classify, name="thread_classify"),
    path("<uuid:thread_id>/assign/", views.thread_assign, name="thread_assign"),
    path("<uuid:thread_id>/log/", views.thread_log, name="thread_log"),
    path("<uuid:thread_id>/client/", views.unmatched_assign, name="thread_assign_client"),
]
