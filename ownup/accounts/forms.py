from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .models import Profile
from .throttle import minutes_text


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["timezone", "work_start", "work_end", "work_days"]
        help_texts = {
            "timezone": "IANA name, e.g. Europe/London or America/New_York.",
            "work_days": "ISO weekdays you work, as digits: 12345 is Monday to Friday.",
        }
        widgets = {
            "work_start": forms.TimeInput(attrs={"type": "time"}),
            "work_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean_work_days(self):
        days = self.cleaned_data["work_days"]
        if not days or any(c not in "1234567" for c in days) or len(set(days)) != len(days):
            raise forms.ValidationError("Use each digit 1 (Monday) to 7 (Sunday) at most once.")
        return "".join(sorted(days))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, initial="API token")


class LockedMessageMixin:
    """Says that sign-in is locked, and for how long, when the throttle refused the try
    (``backends.ThrottledModelBackend``) rather than the password being wrong."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            left = getattr(self.request, "sign_in_locked", None)
            if left is None:
                raise
            raise forms.ValidationError(
                f"Too many failed sign-ins. Sign-in is locked for {minutes_text(left)}; "
                "you can also reset your password.",
                code="locked",
            ) from None


class ThrottledAuthenticationForm(LockedMessageMixin, AuthenticationForm):
    """The sign-in form."""


class ThrottledAdminAuthenticationForm(LockedMessageMixin, AdminAuthenticationForm):
    """The admin's sign-in form (the same throttle; the message says so)."""
