from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin, normalize_digits
from baladiya.utilities.models import (
    ChargeKind,
    MeterStatus,
    StsBaseDate,
    StsKeyGeneration,
    StsKeyType,
    TariffMethod,
)


class DigitsDecimalField(forms.DecimalField):
    """A number typed with Arabic-Indic or Latin digits (a text box: a number
    box refuses Arabic-Indic digits)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"})

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = normalize_digits(value).replace("٫", ".").strip()
        return super().to_python(value)


class ReadingForm(BootstrapMixin, forms.Form):
    serial = forms.CharField(label=_("Meter serial number"), max_length=40)
    read_on = forms.DateField(
        label=_("Date of reading"), widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Meter status"), choices=MeterStatus.choices)
    value = DigitsDecimalField(
        label=_("Reading"), required=False, min_value=0, max_digits=14, decimal_places=3
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["read_on"].initial = timezone.localdate()


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("Columns: serial, date (YYYY-MM-DD), reading, status."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class StsFieldsMixin(forms.Form):
    sts_meter_pan = forms.CharField(label=_("Meter PAN (18 digits)"), max_length=18, required=False)
    sts_supply_group_code = forms.CharField(
        label=_("Supply group code"), max_length=6, required=False
    )
    sts_tariff_index = forms.CharField(label=_("Tariff index"), max_length=2, required=False)
    sts_key_revision = forms.IntegerField(
        label=_("Key revision number"), min_value=1, max_value=9, required=False
    )
    sts_key_type = forms.TypedChoiceField(
        label=_("Key type"), choices=StsKeyType.choices, coerce=int, required=False
    )
    sts_base_date = forms.TypedChoiceField(
        label=_("Base date"), choices=StsBaseDate.choices, coerce=int, initial=2014, required=False
    )
    sts_key_generation = forms.ChoiceField(
        label=_("Key generation algorithm"), choices=StsKeyGeneration.choices, required=False
    )


class FitMeterForm(BootstrapMixin, StsFieldsMixin):
    serial = forms.CharField(label=_("Meter serial number"), max_length=40)
    installed_on = forms.DateField(
        label=_("Fitted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    dial_digits = forms.IntegerField(label=_("Dial digits"), min_value=3, max_value=9, initial=6)
    initial_read = DigitsDecimalField(
        label=_("Initial reading"), min_value=0, initial=0, max_digits=14, decimal_places=3
    )
    is_prepaid = forms.BooleanField(label=_("Prepaid meter"), required=False)

    field_order = ["serial", "installed_on", "dial_digits", "initial_read", "is_prepaid"]


class ReplaceMeterForm(BootstrapMixin, StsFieldsMixin):
    closing_read = DigitsDecimalField(
        label=_("Closing reading of the old meter"), min_value=0, max_digits=14, decimal_places=3
    )
    closing_status = forms.ChoiceField(
        label=_("State of the old meter"), choices=MeterStatus.choices
    )
    new_serial = forms.CharField(label=_("Serial number of the new meter"), max_length=40)
    replaced_on = forms.DateField(
        label=_("Replaced on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    dial_digits = forms.IntegerField(label=_("Dial digits"), min_value=3, max_value=9, initial=6)
    initial_read = DigitsDecimalField(
        label=_("Initial reading of the new meter"),
        min_value=0,
        initial=0,
        max_digits=14,
        decimal_places=3,
    )

    field_order = [
        "closing_read",
        "closing_status",
        "new_serial",
        "replaced_on",
        "dial_digits",
        "initial_read",
    ]


class RunForm(BootstrapMixin, forms.Form):
    cycle = forms.TypedChoiceField(label=_("Billing cycle"), coerce=int)
    branch = forms.CharField(label=_("Branch code"), max_length=20, required=False)
    zone = forms.CharField(label=_("Zone"), max_length=40, required=False)

    def __init__(self, *args: Any, cycles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = cycles


class TariffVersionForm(BootstrapMixin, forms.Form):
    """The terms of a new tariff version (its blocks and charges are formsets)."""

    effective_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label=_("Pricing method"), choices=TariffMethod.choices)
    consumption_head = forms.CharField(label=_("Revenue head of consumption"), max_length=40)
    lifeline_units = DigitsDecimalField(
        label=_("Lifeline limit (units a month)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
    )
    lifeline_rate = DigitsDecimalField(
        label=_("Lifeline unit rate"), required=False, min_value=0, max_digits=14, decimal_places=4
    )
    vat_percent = DigitsDecimalField(
        label=_("VAT %"), min_value=0, max_value=100, max_digits=5, decimal_places=2, initial=0
    )
    vat_head = forms.CharField(label=_("VAT revenue head"), max_length=40, required=False)


class TariffBlockForm(BootstrapMixin, forms.Form):
    """One block: from ``lower`` up to ``upper`` (empty: no limit) at ``rate``."""

    lower = DigitsDecimalField(label=_("From"), min_value=0, max_digits=14, decimal_places=3)
    upper = DigitsDecimalField(
        label=_("Up to"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        help_text=_("Empty for the top block."),
    )
    rate = DigitsDecimalField(label=_("Unit rate"), min_value=0, max_digits=14, decimal_places=4)


class TariffChargeForm(BootstrapMixin, forms.Form):
    # An empty first choice: a browser sends the first option of a select, and an
    # empty row must stay unchanged to be ignored.
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ChargeKind.choices])
    head = forms.CharField(label=_("Revenue head"), max_length=40)
    description_ar = forms.CharField(label=_("Description (Arabic)"), max_length=200)
    description_en = forms.CharField(label=_("Description (English)"), max_length=200)
    amount = DigitsDecimalField(
        label=_("Amount or rate"), min_value=0, max_digits=14, decimal_places=4
    )
    meter_size = forms.CharField(label=_("Meter size"), max_length=20, required=False)
    vat_applies = forms.BooleanField(label=_("VAT applies"), required=False, initial=True)


TariffBlockFormSet = forms.formset_factory(TariffBlockForm, extra=2, can_delete=True)
TariffChargeFormSet = forms.formset_factory(TariffChargeForm, extra=1, can_delete=True)


def decimal_or_none(text: str) -> Decimal | None:
    try:
        return Decimal(normalize_digits(text).strip())
    except InvalidOperation:
        return None
