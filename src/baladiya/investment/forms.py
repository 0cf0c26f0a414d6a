from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin
from baladiya.investment.models import Frequency


class OfferForm(BootstrapMixin, forms.Form):
    annual_rent = forms.CharField(label=_("Annual rent you offer"), max_length=20)
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.FileField(
        label=_("Offer document (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class OpportunityForm(BootstrapMixin, forms.Form):
    name_ar = forms.CharField(label=_("Title (Arabic)"), max_length=200)
    name_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    site_ar = forms.CharField(label=_("Site (Arabic)"), max_length=300)
    parcel = forms.CharField(label=_("Parcel (block/number)"), max_length=40, required=False)
    area_m2 = forms.CharField(label=_("Area (m²)"), max_length=20)
    activity_ar = forms.CharField(label=_("Permitted activity (Arabic)"), max_length=300)
    terms_ar = forms.CharField(label=_("Terms (Arabic)"), widget=forms.Textarea(attrs={"rows": 4}))
    min_annual_rent = forms.CharField(label=_("Minimum annual rent"), max_length=20)
    term_years = forms.IntegerField(label=_("Contract years"), min_value=1, max_value=50)
    frequency = forms.ChoiceField(label=_("Rent paid"), choices=Frequency.choices)
    deadline = forms.DateTimeField(
        label=_("Deadline for offers"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ScoreForm(BootstrapMixin, forms.Form):
    def __init__(self, *args: Any, criteria: list[dict[str, Any]], lang: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for c in criteria:
            label = c["name_ar"] if lang.startswith("ar") else c["name_en"]
            self.fields[c["key"]] = forms.CharField(label=f"{label} ({c['weight']}%)", max_length=6)


class AwardForm(BootstrapMixin, forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(
        label=_("Contract start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Committee's note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
