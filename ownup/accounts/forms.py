from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import Profile


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


class ThrottledAuthenticationForm(AuthenticationForm):
    """The sign-in form, refusing to even try a password while the account is locked."""

    def clean(self):
        from math import ceil

        from .throttle import lockout_left

        email = self.cleaned_data.get("username", "")
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        left = lockout_left(email=email, ip=ip)
        if left is not None:
            minutes = max(1, ceil(left.total_seconds() / 60))
            raise forms.ValidationError(
                f"Too many failed sign-ins. Sign-in is locked for {minutes} more "
                f"minute{'s' if minutes != 1 else ''}; you can also reset your password.",
                code="locked",
            )
        return super().clean()
