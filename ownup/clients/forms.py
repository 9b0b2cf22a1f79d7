from django import forms
from django.contrib.auth import get_user_model

from ownup.accounts.forms import people_field
from ownup.accounts.models import Workspace

from .models import Channel, ClientStatus

User = get_user_model()


class ClientForm(forms.Form):
    name = forms.CharField(max_length=160)
    status = forms.ChoiceField(choices=ClientStatus.choices, initial="active")
    client_since = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Client since"
    )
    email_domains = forms.CharField(
        required=False,
        label="Email domains",
        help_text="Mail from these domains is matched to this client. Separate with commas.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                   label="Account owner")
    director = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("owner", "director", "members"):
            people_field(self, name, workspace)

    def clean_email_domains(self):
        raw = self.cleaned_data["email_domains"]
        parts = raw.replace(";", ",").split(",")
        return [d.strip().lower().lstrip("@") for d in parts if d.strip()]

    def clean(self):
        data = super().clean()
        if data.get("owner") and data.get("owner") == data.get("director"):
            self.add_error("director", "The director must be someone other than the owner.")
        return data


class ContactForm(forms.Form):
    name = forms.CharField(max_length=160)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    role = forms.CharField(max_length=120, required=False)
    preferred_channel = forms.ChoiceField(choices=Channel.choices, initial="email",
                                          label="Preferred channel")
