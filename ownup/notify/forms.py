from django import forms

from .rules import DEFAULT_RULES


class SettingsForm(forms.Form):
    email = forms.BooleanField(required=False, label="Email me my notifications")
    quiet_hours = forms.BooleanField(
        required=False, label="Hold routine email and chat until my working day starts",
        help_text="Emergencies and missed deadlines always come at once.")


class ChannelForm(forms.Form):
    label = forms.CharField(max_length=80, label="Name", help_text="e.g. My Slack DM")
    url = forms.CharField(
        max_length=2000, label="Apprise URL", widget=forms.PasswordInput(render_value=False),
        help_text="slack://…, msteams://…, discord://…, json://host/path … Stored encrypted; "
                  "never shown again.")
    events = forms.MultipleChoiceField(
        required=False, label="Events (workspace channels)", widget=forms.CheckboxSelectMultiple,
        choices=[(e, r.title) for e, r in DEFAULT_RULES.items() if r.urgent],
        help_text="A workspace channel gets one copy of these urgent events.")
