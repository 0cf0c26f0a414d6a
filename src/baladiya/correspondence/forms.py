from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin
from baladiya.correspondence.models import (
    Classification,
    Direction,
    EntityKind,
    LetterStatus,
    Priority,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class LetterForm(BootstrapMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    letter_date = forms.DateField(label=_("Date of the letter"), widget=DateInput())
    entity_name = forms.CharField(
        label=_("Sender or recipient"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"list": "entities", "autocomplete": "off"}),
        help_text=_("Choose from the list or write a new name."),
    )
    external_number = forms.CharField(
        label=_("Their reference number"), required=False, max_length=60
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    summary = forms.CharField(
        label=_("Summary of the body"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, initial=Classification.INTERNAL
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    department = forms.ModelChoiceField(
        label=_("Writing department"),
        queryset=None,
        required=False,
        help_text=_("For outgoing and internal letters."),
    )
    to_department = forms.ModelChoiceField(
        label=_("To department"),
        queryset=None,
        required=False,
        help_text=_("For internal letters."),
    )
    in_reply_to = forms.CharField(
        label=_("In reply to (registration number)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    scan = forms.FileField(
        label=_("Scanned letter (PDF or image)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("department", "to_department"):
            field = self.fields[name]
            field.queryset = departments  # type: ignore[attr-defined]
            field.empty_label = _("—")  # type: ignore[attr-defined]


class ReferForm(BootstrapMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Refer to"), queryset=None)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["department"].empty_label = _("Choose…")  # type: ignore[attr-defined]


class AttachForm(BootstrapMixin, forms.Form):
    upload = forms.FileField(
        label=_("Document"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=300)


class FilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("All")), *Direction.choices]
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    entity = forms.ModelChoiceField(label=_("Correspondent"), required=False, queryset=None)
    department = forms.ModelChoiceField(label=_("Department"), required=False, queryset=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *LetterStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue referrals only"), required=False)

    def __init__(
        self, *args: Any, years: list[int], entities: Any, departments: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All")), *[(y, y) for y in years]]  # type: ignore[attr-defined]
        self.fields["entity"].queryset = entities  # type: ignore[attr-defined]
        self.fields["entity"].empty_label = _("All")  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["department"].empty_label = _("All")  # type: ignore[attr-defined]


class EntityForm(BootstrapMixin, forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntityKind.choices)
    party_number = forms.CharField(
        label=_("National ID or commercial registration (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
        help_text=_("Links the correspondent to a citizen or establishment already registered."),
    )
