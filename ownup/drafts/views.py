from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required, workspace_required
from ownup.core import tone
from ownup.core.drafts import PLACEHOLDERS, SAMPLE_VALUES, default_templates, render_draft
from ownup.ui.tone_field import highlight

from . import selectors, services


@workspace_required
def template_list(request):
    templates = selectors.templates_for(request.workspace)
    return render(request, "drafts/list.html", {
        "templates": templates.values(),
        "customised": selectors.customised_keys(request.workspace),
    })


@workspace_required
def template_edit(request, key):
    template = selectors.template_for(request.workspace, key)
    subject, body, errors = template.subject, template.body, {}
    if request.method == "POST":
        if not request.membership.can_manage:
            raise PermissionDenied("Only managers, directors and owners change templates.")
        subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
        try:
            services.template_save(workspace=request.workspace, key=key, subject=subject,
                                   body=body, user=request.user,
                                   accept_findings=request.POST.get("confirm") == "1")
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, f"{template.title}: saved.")
            return redirect("template_list")
    ctx = _check_context(template, subject, body)
    ctx.update(errors=errors, placeholders=PLACEHOLDERS,
               customised=key in selectors.customised_keys(request.workspace))
    return render(request, "drafts/edit.html", ctx, status=422 if errors else 200)


def _check_context(template, subject: str, body: str) -> dict:
    """The template filled with sample values, and the tone check of that text."""
    filled_subject, filled_body = render_draft(template.with_text(subject=subject, body=body),
                                               SAMPLE_VALUES)
    report = tone.check(filled_body, template.tone_kind)
    return {"template": template, "subject": subject, "body": body,
            "filled_subject": filled_subject, "report": report, "text": filled_body,
            "highlighted": highlight(filled_body, report.findings),
            "items": [(f, filled_body[f.start:f.end]) for f in report.findings]}


@workspace_required
def template_check(request, key):
    """htmx: the sample rendering and tone check while the template is edited."""
    template = selectors.template_for(request.workspace, key)
    ctx = _check_context(template, request.POST.get("subject", ""), request.POST.get("body", ""))
    return render(request, "drafts/_check.html", ctx)


@require_POST
@manager_required
def template_reset(request, key):
    selectors.template_for(request.workspace, key)
    services.template_reset(workspace=request.workspace, key=key)
    messages.success(request, f"{default_templates()[key].title}: back to the default wording.")
    return redirect("template_list")
