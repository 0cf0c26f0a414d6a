from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin


class TrackForm(BootstrapMixin, forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "TAF-2026-000123"}),
    )
    phone_last4 = forms.CharField(
        label=_("Last four digits of your mobile number"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )


class ActionForm(BootstrapMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InboxFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Reference, title or applicant"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("", _("Everyone")), ("me", _("To me")), ("none", _("Not assigned"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, services: list[tuple[str, str]], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *services]
