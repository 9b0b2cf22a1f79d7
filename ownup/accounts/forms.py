from django import forms

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
