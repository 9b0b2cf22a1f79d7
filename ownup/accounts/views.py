from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services, throttle
from .backends import request_address
from .decorators import manager_required, workspace_required
from .forms import ProfileForm, TokenForm
from .middleware import SESSION_KEY
from .models import ApiToken


@workspace_required
def settings_page(request):
    profile = selectors.profile_of(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            services.profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, "Your settings are saved.")
            return redirect("settings")
    else:
        form = ProfileForm(instance=profile)
    tokens = selectors.tokens_of(request.user, request.workspace)
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": tokens,
            "members": selectors.members_of(request.workspace),
        },
        status=422 if form.errors else 200,
    )


@require_POST
@workspace_required
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the token a name of at most 80 characters.")
        return redirect("settings")
    _, raw = services.token_create(
        user=request.user, workspace=request.workspace, name=form.cleaned_data["name"]
    )
    return render(request, "accounts/token_created.html", {"raw": raw})


@require_POST
@workspace_required
def token_revoke(request, token_id):
    token = selectors.get_in_workspace(
        ApiToken.objects.filter(user=request.user), request.workspace, pk=token_id
    )
    services.token_revoke(token=token)
    messages.success(request, f"Token {token.name} revoked.")
    return redirect("settings")


@require_POST
@workspace_required
def workspace_switch(request):
    membership = selectors.memberships_of(request.user).filter(
        workspace__slug=request.POST.get("slug", "")
    ).first()
    if membership is None:
        raise Http404("Not found.")
    request.session[SESSION_KEY] = str(membership.workspace_id)
    return redirect("dashboard")


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Password reset, throttled per address (said, with a 429) and per account (silently:
    the page reads the same whether or not a mail went, so it reveals no account)."""

    def form_valid(self, form):
        try:
            allowed = throttle.password_reset_begin(
                email=form.cleaned_data["email"], ip=request_address(self.request)
            )
        except throttle.Locked as exc:
            form.add_error(None, "Too many password reset requests from your address. "
                                 f"Try again in {throttle.minutes_text(exc.left)}.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@require_POST
@manager_required
def workspace_settings(request):
    services.workspace_settings_update(
        workspace=request.workspace,
        reply_takes_ownership=request.POST.get("reply_takes_ownership") == "on")
    messages.success(request, "The workspace's settings are saved.")
    return redirect("settings")
