from django import forms

from .models import MailboxKind, Security


class MailboxForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For you, e.g. “Shared inbox”.")
    kind = forms.ChoiceField(choices=MailboxKind.choices, initial=MailboxKind.SHARED_INBOX)
    host = forms.CharField(max_length=255, label="IMAP server", help_text="e.g. imap.example.com")
    security = forms.ChoiceField(choices=Security.choices, initial=Security.SSL)
    port = forms.IntegerField(min_value=1, max_value=65535, initial=993)
    username = forms.CharField(max_length=255, label="User name")
    password = forms.CharField(
        max_length=1000, required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    folder = forms.CharField(max_length=255, initial="INBOX",
                             help_text="The sent folder is often “Sent” or “Sent Items”.")
    poll_every_seconds = forms.IntegerField(min_value=30, max_value=86400, initial=120,
                                            label="Check every (seconds)")
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["password"].help_text = "Leave blank to keep the stored password."
        else:
            self.fields["password"].required = True
