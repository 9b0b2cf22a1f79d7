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


class ConnectForm(forms.Form):
    """Connect a mailbox by OAuth 2.0: the fields a provider needs (see ``for_provider``)."""

    name = forms.CharField(max_length=120, initial="Shared inbox",
                           help_text="For you, e.g. “Shared inbox”.")
    address = forms.EmailField(max_length=254, label="Mailbox address",
                               help_text="The address to read (a shared mailbox's address "
                                         "when you read it with your own account).")
    kind = forms.ChoiceField(choices=MailboxKind.choices, initial=MailboxKind.SHARED_INBOX)
    issuer = forms.URLField(max_length=500, required=False, label="Issuer URL",
                            assume_scheme="https",
                            help_text="e.g. https://id.example.com (OpenID discovery).")
    client_id = forms.CharField(max_length=255, required=False, label="Client id")
    client_secret = forms.CharField(
        max_length=1000, required=False, label="Client secret",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
    scopes = forms.CharField(max_length=500, required=False,
                             help_text="Space-separated; blank: openid email offline_access.")
    imap_host = forms.CharField(max_length=255, required=False, label="IMAP server")
    imap_port = forms.IntegerField(min_value=1, max_value=65535, required=False, initial=993,
                                   label="IMAP port")
    security = forms.ChoiceField(choices=Security.choices, initial=Security.SSL)
    smtp_host = forms.CharField(max_length=255, required=False, label="SMTP server",
                                help_text="Replies leave from here (XOAUTH2); blank: no "
                                          "replies through this mailbox.")
    smtp_port = forms.IntegerField(min_value=1, max_value=65535, required=False, initial=587,
                                   label="SMTP port")
    mechanism = forms.ChoiceField(choices=[("xoauth2", "XOAUTH2"),
                                           ("oauthbearer", "OAUTHBEARER (RFC 7628)")],
                                  initial="xoauth2")
    app_only = forms.BooleanField(
        required=False, label="App-only access (client credentials)",
        help_text="For a shared mailbox the operator's app may read without a person's "
                  "consent (an Exchange administrator grants it).")

    OIDC_ONLY = ("issuer", "client_id", "client_secret", "scopes", "imap_host", "imap_port",
                 "security", "smtp_host", "smtp_port", "mechanism")

    def __init__(self, *args, provider: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        if provider != "oidc":
            for name in self.OIDC_ONLY:
                del self.fields[name]
        if provider == "google":
            del self.fields["app_only"]
