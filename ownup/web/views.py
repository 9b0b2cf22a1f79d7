from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render

from ownup.accounts.decorators import workspace_required
from ownup.ui.panels import panels_for

#: What each section will hold, shown until its app fills it.
SECTIONS = {
}


@workspace_required
def dashboard(request):
    return render(request, "web/dashboard.html",
                  {"panels": panels_for("dashboard", request=request)})


@workspace_required
def section(request, name):
    if name not in SECTIONS:
        raise Http404("Not found.")
    title, promise = SECTIONS[name]
    return render(request, "web/section.html", {"title": title, "promise": promise})


def favicon(request):
    """/favicon.ico: browsers ask for it on every page whatever the <link> says."""
    from django.contrib.staticfiles import finders
    from django.http import FileResponse, Http404

    path = finders.find("ownup/favicon.ico")
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
