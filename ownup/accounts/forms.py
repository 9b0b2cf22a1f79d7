import uuid

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .models import Profile
from .people import members_with_ids, person_uid, person_uids
from .throttle import minutes_text


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["timezone", "work_start", "work_end", "work_days", "phone"]
        labels = {"phone": "Your phone"}
        help_texts = {
            "phone": "The number clients call you on: drafts fill \"call me on [phone]\" "
                     "with it and the call sheet shows it. E.g. +44 20 7946 0000.",
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


# --------------------------------------------------------------------------- people in forms


class _PublicIdChoices:
    """Options valued by the person's public id (``Person.uid``), never the user's key; a
    posted value is looked up by public id among the field's queryset (the workspace's
    members), anything else is "not one of the available choices"."""

    def _public(self, value):
        if value in self.empty_values:
            return ""
        if hasattr(value, "_meta"):
            return str(person_uid(value))
        if isinstance(value, int):  # a ModelForm's initial value: the user's key
            return str(person_uids([value])[value])
        return str(value)

    def _uid(self, value) -> uuid.UUID:
        try:
            return uuid.UUID(str(value).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice", params={"value": value}) \
                from None


class PersonChoiceField(_PublicIdChoices, forms.ModelChoiceField):
    def prepare_value(self, value):
        return self._public(value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        user = self.queryset.filter(person__uid=self._uid(value)).first()
        if user is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice", params={"value": value})
        return user


class PersonMultipleChoiceField(_PublicIdChoices, forms.ModelMultipleChoiceField):
    def prepare_value(self, value):
        if hasattr(value, "__iter__") and not isinstance(value, str) \
                and not hasattr(value, "_meta"):
            return [self._public(v) for v in value]
        return self._public(value)

    def _check_values(self, value):
        try:
            value = frozenset(value)
        except TypeError:
            raise forms.ValidationError(self.error_messages["invalid_list"],
                                        code="invalid_list") from None
        uids = {self._uid(v): v for v in value}
        qs = self.queryset.filter(person__uid__in=uids)
        found = set(qs.values_list("person__uid", flat=True))
        for uid, raw in uids.items():
            if uid not in found:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                            code="invalid_pk_value", params={"pk": raw})
        return qs


def people_field(form: forms.BaseForm, name: str, workspace) -> None:
    """Make ``form.fields[name]`` (a user choice, single or multiple) offer the members of
    ``workspace``, valued by their public ids and labelled by name."""
    old = form.fields[name]
    multiple = isinstance(old, forms.ModelMultipleChoiceField)
    kind = PersonMultipleChoiceField if multiple else PersonChoiceField
    field = kind(queryset=members_with_ids(workspace).order_by("first_name", "email"),
                 required=old.required, label=old.label, help_text=old.help_text,
                 widget=old.widget, initial=old.initial)
    field.label_from_instance = lambda u: u.get_full_name() or u.email
    form.fields[name] = field

