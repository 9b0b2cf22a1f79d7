"""Reads for notifications."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import ChatChannel, DeliveryStatus, Notification, NotificationChannel, OutboxEmail


def inbox_of(*, user, workspace) -> QuerySet[Notification]:
    """The person's in-app notifications in the workspace, newest first."""
    return Notification.objects.filter(user=user, workspace=workspace,
                                       channel=NotificationChannel.IN_APP)


def unread_count(*, user, workspace) -> int:
    return inbox_of(user=user, workspace=workspace).filter(read_at__isnull=True).count()


def channels_of(*, user, workspace) -> QuerySet[ChatChannel]:
    return ChatChannel.objects.filter(workspace=workspace, user=user)


def workspace_channels(workspace) -> QuerySet[ChatChannel]:
    return ChatChannel.objects.filter(workspace=workspace, user__isnull=True)


def visible_channels(*, user, workspace) -> QuerySet[ChatChannel]:
    """Channels the person may touch: their own and the workspace's."""
    return ChatChannel.objects.filter(Q(user=user) | Q(user__isnull=True), workspace=workspace)


def dead_notifications(workspace) -> QuerySet[Notification]:
    return Notification.objects.filter(workspace=workspace, status=DeliveryStatus.DEAD)\
        .select_related("user")


def dead_mail(workspace) -> QuerySet[OutboxEmail]:
    return OutboxEmail.objects.filter(workspace=workspace, status=DeliveryStatus.DEAD)
