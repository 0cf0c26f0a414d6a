from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin
from baladiya.permits.models import InspectionResult, PermitKind, Stage, Use

NUMBER = {"inputmode": "decimal", "dir": "ltr"}


def _number(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    # Text, not a number input: the service reads Arabic-Indic digits too and
    # reports every problem at once, keeping what was typed.
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs=NUMBER),
    )


class ParcelPermitForm(BootstrapMixin, forms.Form):
    parcel_block = forms.CharField(label=_("Basin / plan"), max_length=30, required=False)
    parcel_number = forms.CharField(label=_("Parcel number"), max_length=20, required=False)
    works = forms.CharField(
        label=_("Description of the works"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BuildingPermitForm(ParcelPermitForm):
    use = forms.ChoiceField(label=_("Use"), choices=[("", _("Choose…")), *Use.choices])
    floors = _number(_("Number of floors"))
    height_m = _number(_("Height of the building (m)"))
    footprint_m2 = _number(
        _("Ground footprint (m²)"), help_text=_("The area the building covers on the ground.")
    )
    built_area_m2 = _number(_("Total built area of all floors (m²)"))
    setback_front_m = _number(_("Front setback (m)"))
    setback_side_m = _number(_("Side setbacks (m)"), help_text=_("The smallest of the two."))
    setback_rear_m = _number(_("Rear setback (m)"))
    supervising_engineer = forms.CharField(
        label=_("Supervising engineer"), max_length=150, required=False
    )


class FencingPermitForm(ParcelPermitForm):
    fence_length_m = _number(_("Length of the fence (m)"))


class ExcavationPermitForm(BootstrapMixin, forms.Form):
    purpose = forms.CharField(
        label=_("Purpose of the excavation"),
        max_length=200,
        help_text=_("For example: a water connection to house no. 12."),
    )
    route = forms.CharField(required=False, widget=forms.HiddenInput)
    trench_length_m = _number(
        _("Trench length (m)"),
        required=False,
        help_text=_("Worked out from the route drawn on the map; enter it if you cannot draw."),
    )
    start_date = forms.CharField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.CharField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))


FORMS: dict[str, type[forms.Form]] = {
    PermitKind.BUILDING: BuildingPermitForm,
    PermitKind.DEMOLITION: ParcelPermitForm,
    PermitKind.RESTORATION: ParcelPermitForm,
    PermitKind.FENCING: FencingPermitForm,
    PermitKind.EXCAVATION: ExcavationPermitForm,
}


class InspectionForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    result = forms.ChoiceField(
        label=_("Result"), choices=InspectionResult.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, stages: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, Stage(s).label) for s in stages]
