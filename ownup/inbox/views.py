from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ownup.accounts.decorators import workspace_required
from ownup.accounts.selectors import get_in_workspace

from . import selectors


@workspace_required
def inbox(request):
    """Waiting on us: open threads, the nearest deadline first."""
    now = timezone.now()
    page = Paginator(selectors.thread_list(workspace=request.workspace), 50).get_page(
        request.GET.get("page")
    )
    rows = [(t, selectors.clock_state(t, now)) for t in page]
    return render(
        request,
        "inbox/list.html",
        {
            "page": page,
            "rows": rows,
            "unmatched": selectors.unmatched_count(request.workspace),
        },
    )


@workspace_required
def thread_detail(request, thread_id):
    thread = get_in_workspace(
        selectors.thread_detail_qs(request.workspace), request.workspace, pk=thread_id
    )
    return render(
        request,
        "inbox/thread.html",
        {
            "thread": thread,
            "clock": selectors.clock_state(thread),
            "messages_list": list(thread.messages.all()),
        },
    )
