from django import forms

from ownup.accounts.forms import people_field

from .models import SEVERITY_CHOICES, Incident

PICTURE = [
    "title", "what_happened", "impact_text", "impact_money", "impact_audience",
    "impact_deliverables", "impact_time_lost", "why_it_happened", "client_perception",
    "responsibility", "responsibility_note",
]


class PictureForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = PICTURE
        labels = {
            "impact_text": "Impact", "impact_money": "Impact: money",
            "impact_audience": "Impact: audience", "impact_deliverables": "Impact: deliverables",
            "impact_time_lost": "Impact: time lost", "why_it_happened": "Why it happened",
            "client_perception": "How the client sees it",
            "responsibility_note": "Our share, in a sentence",
        }
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in (
            "what_happened", "impact_text", "impact_deliverables", "why_it_happened",
            "client_perception", "responsibility_note",
        )}


class IncidentForm(PictureForm):
    client = forms.ModelChoiceField(queryset=None)
    severity = forms.ChoiceField(choices=SEVERITY_CHOICES)
    foreseen = forms.BooleanField(required=False, label="We saw this coming (foreseen)")
    detected_at = forms.DateTimeField(
        label="Detected at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    team = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Team working it (you, if nobody is picked)",
    )

    class Meta(PictureForm.Meta):
        fields = ["client", "severity", "foreseen", "detected_at", "team", *PICTURE]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        from ownup.clients.models import Client

        self.fields["client"].queryset = Client.objects.filter(
            workspace=workspace, archived_at__isnull=True
        )
        people_field(self, "team", workspace)
        self.order_fields(["client", "title", "severity", "foreseen", "detected_at", "team"])


def workspace_users(workspace):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__workspace=workspace).order_by(
        "first_name", "email")


def person_name(user) -> str:
    return user.get_full_name() or user.email


class CorrectForm(forms.Form):
    detected_at = forms.DateTimeField(
        label="Detected at", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    foreseen = forms.ChoiceField(choices=[("", "(unchanged)"), ("yes", "Foreseen"),
                                          ("no", "Unforeseen")], required=False)
    reason = forms.CharField(max_length=500)


class DisruptionForm(forms.Form):
    kind = forms.ChoiceField(choices=[])
    starts = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    ends = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    affected = forms.ModelMultipleChoiceField(queryset=None, label="Who is affected")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           label="Note (internal — never sent to clients)")

    def __init__(self, *args, workspace, **kwargs):
        from .models import DisruptionKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DisruptionKind.choices
        people_field(self, "affected", workspace)
