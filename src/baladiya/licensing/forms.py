"""Forms for the licensing pages: parse and show input; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin
from baladiya.licensing.models import MedicalResult, SignType

DOCUMENT = forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})


class LicenceApplicationForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Trade name of the shop"), max_length=200)
    commercial_registration = forms.CharField(
        label=_("Commercial registration number"),
        max_length=30,
        required=False,
        help_text=_("If the establishment is registered; fines are then raised on it."),
    )
    activity = forms.ChoiceField(label=_("Activity"))
    area = forms.CharField(
        label=_("Shop area (m²)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    lease_or_ownership = forms.FileField(
        label=_("Lease contract or ownership deed"), required=False, widget=DOCUMENT
    )
    site_sketch = forms.FileField(label=_("Site sketch"), required=False, widget=DOCUMENT)
    civil_defence_approval = forms.FileField(
        label=_("Civil defence approval"), required=False, widget=DOCUMENT
    )
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)

    DOCUMENTS = ("lease_or_ownership", "site_sketch", "civil_defence_approval")

    def __init__(self, *args: Any, activities: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "—")] + [(a.code, a.name) for a in activities]

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The answers and the documents (keyed by document kind)."""
        data = dict(self.cleaned_data)
        documents = {
            name.replace("_", "-"): upload
            for name in self.DOCUMENTS
            if (upload := data.pop(name, None)) is not None
        }
        return data, documents


class TransferForm(BootstrapMixin, forms.Form):
    new_owner = forms.CharField(
        label=_("ID number of the new owner"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )


class CancelForm(BootstrapMixin, forms.Form):
    closure_date = forms.DateField(
        label=_("Closure date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class WorkerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    nationality = forms.CharField(label=_("Nationality"), max_length=80)
    id_number = forms.CharField(
        label=_("ID or residence number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    job = forms.CharField(label=_("Job"), max_length=120)
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class MedicalCheckForm(BootstrapMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result of the medical check"), choices=MedicalResult.choices
    )
    checked_on = forms.DateField(
        label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BillboardForm(BootstrapMixin, forms.Form):
    site = forms.CharField(label=_("Site description"), max_length=300)
    width = forms.CharField(
        label=_("Width (m)"), max_length=8, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    height = forms.CharField(
        label=_("Height (m)"), max_length=8, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    sign_type = forms.ChoiceField(label=_("Type of sign"), choices=SignType.choices)
    establishment = forms.ChoiceField(label=_("For the establishment (optional)"), required=False)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, establishments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [("", "—")] + [
            (str(e.pk), e.name) for e in establishments
        ]


class RemovalForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for removal"), max_length=300)
    remove_by = forms.DateField(
        label=_("Remove by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class VerifyForm(BootstrapMixin, forms.Form):
    number = forms.CharField(
        label=_("Licence number"),
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "LIC-2026-000123"}),
    )
