from django import forms

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

    class Meta(PictureForm.Meta):
        fields = ["client", "severity", "foreseen", "detected_at", *PICTURE]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        from ownup.clients.models import Client

        self.fields["client"].queryset = Client.objects.filter(
            workspace=workspace, archived_at__isnull=True
        )
        self.order_fields(["client", "title", "severity", "foreseen", "detected_at"])
