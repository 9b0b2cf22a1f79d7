from django import forms
from django.urls import reverse

from ownup.accounts.forms import people_field

from .models import AdviceEntry, ClientGoal, Concern, Deliverable, WorkItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _people(form, workspace, *names):
    for name in names:
        people_field(form, name, workspace)


def _client_goals(form, client, name):
    form.fields[name].queryset = ClientGoal.objects.filter(client=client)


class GoalForm(forms.ModelForm):
    class Meta:
        model = ClientGoal
        fields = ["statement", "metric", "target", "due_date", "status"]
        widgets = {"due_date": DATE}
        labels = {"statement": "Goal", "due_date": "By when"}

    def __init__(self, *args, workspace=None, client=None, **kwargs):
        super().__init__(*args, **kwargs)


class WorkItemForm(forms.ModelForm):
    class Meta:
        model = WorkItem
        fields = ["title", "kind", "description", "start_date", "end_date", "owner", "status",
                  "goals"]
        widgets = {"start_date": DATE, "end_date": DATE,
                   "goals": forms.CheckboxSelectMultiple,
                   "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"goals": "Goals it serves"}
        help_texts = {"goals": "Work tied to no goal is flagged: which goal does it serve?"}

    def __init__(self, *args, workspace=None, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        _people(self, workspace, "owner")
        _client_goals(self, client, "goals")


class DeliverableForm(forms.ModelForm):
    reason = forms.CharField(
        required=False, max_length=500, label="Why the date moves",
        help_text="Needed when the due date changes: the original date is kept.")

    class Meta:
        model = Deliverable
        fields = ["title", "due_date", "owner", "done"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, workspace=None, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        _people(self, workspace, "owner")
        if not self.instance.pk:
            del self.fields["reason"]
            del self.fields["done"]


class AdviceForm(forms.ModelForm):
    class Meta:
        model = AdviceEntry
        fields = ["what", "why", "goal", "given_on", "response", "client_reasoning", "outcome",
                  "outcome_on"]
        widgets = {"given_on": DATE, "outcome_on": DATE,
                   "what": forms.Textarea(attrs={"rows": 2}),
                   "why": forms.Textarea(attrs={"rows": 2}),
                   "client_reasoning": forms.Textarea(attrs={"rows": 2}),
                   "outcome": forms.Textarea(attrs={"rows": 2})}
        labels = {"what": "What we recommended", "given_on": "Given on",
                  "response": "Client's response", "client_reasoning": "Client's reasoning",
                  "outcome_on": "Outcome date"}
        help_texts = {"what": ""}

    def __init__(self, *args, workspace=None, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        _client_goals(self, client, "goal")


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["suggestion", "noticed", "why_it_matters", "goal", "status"]
        widgets = {"suggestion": forms.Textarea(attrs={"rows": 2}),
                   "noticed": forms.Textarea(attrs={"rows": 2}),
                   "why_it_matters": forms.Textarea(attrs={"rows": 2})}
        labels = {"suggestion": "Suggested course of action", "noticed": "What we noticed",
                  "why_it_matters": "Why it matters"}
        help_texts = {"suggestion": "Solution first: start with what to do.", "noticed": "",
                      "why_it_matters": "What it means for the client's goals."}

    def __init__(self, *args, workspace=None, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        _client_goals(self, client, "goal")
        self.fields["suggestion"].widget.attrs.update({
            "hx-get": reverse("concern_suggestion_check"),
            "hx-trigger": "input changed delay:400ms", "hx-target": "#suggestion-check",
        })
