"""The form of a service's application, built from its fields (rendering only:
the answers are checked by the service layer, which reports problems per field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin
from baladiya.onestop.models import FieldKind, ServiceField


class ApplicationForm(BootstrapMixin, forms.Form):
    def __init__(
        self,
        *args: Any,
        fields: list[ServiceField],
        uploaded: dict[str, str],
        parcel_hint: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.service_fields = fields
        self.uploaded = uploaded
        for field in fields:
            label = field.label
            help_text = field.help
            if field.kind == FieldKind.TEXTAREA:
                widget: forms.Widget = forms.Textarea(attrs={"rows": 4})
            elif field.kind == FieldKind.NUMBER:
                widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"})
            elif field.kind == FieldKind.DATE:
                widget = forms.DateInput(attrs={"type": "date", "dir": "ltr"})
            elif field.kind == FieldKind.CHOICE:
                widget = forms.RadioSelect(
                    choices=[(c["value"], c["ar"] if _is_ar() else c["en"]) for c in field.choices]
                )
            elif field.kind == FieldKind.LOCATION:
                widget = forms.HiddenInput(attrs={"data-location": "1"})
            elif field.kind == FieldKind.PARCEL:
                widget = forms.TextInput(attrs={"placeholder": parcel_hint})
            else:
                widget = forms.TextInput()
            if field.kind == FieldKind.FILE:
                django_field: forms.Field = forms.FileField(
                    label=label,
                    required=False,
                    help_text=help_text,
                    widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/*"}),
                )
                if field.key in uploaded:
                    django_field.help_text = _(
                        "Attached: %(name)s (choose a file to replace it)"
                    ) % {"name": uploaded[field.key]}
            elif field.kind == FieldKind.CHOICE:
                django_field = forms.ChoiceField(
                    label=label,
                    required=False,
                    widget=widget,
                    choices=widget.choices,
                    help_text=help_text,
                )
            else:
                django_field = forms.CharField(
                    label=label, required=False, widget=widget, help_text=help_text
                )
            django_field.baladiya_required = field.required  # type: ignore[attr-defined]
            django_field.baladiya_kind = field.kind  # type: ignore[attr-defined]
            self.fields[field.key] = django_field
        self.style_widgets()


def _is_ar() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "ar").startswith("ar")
