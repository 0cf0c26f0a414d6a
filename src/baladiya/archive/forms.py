from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.archive.models import Level, VersionState
from baladiya.core.api import BootstrapMixin

ORDER_CHOICES = [("relevance", _("Relevance")), ("date", _("Newest first"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _type_choices(types: list[Any]) -> list[tuple[str, str]]:
    return [(t.key, t.name) for t in types]


def _department_choices(departments: list[Any]) -> list[tuple[str, str]]:
    return [(str(d.pk), d.name) for d in departments]


class SearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    doc_type = forms.ChoiceField(label=_("Type"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)

    def __init__(
        self,
        *args: Any,
        types: list[Any],
        departments: list[Any],
        branches: list[Any],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["doc_type"].choices = [("", _("All types")), *_type_choices(types)]
        self.fields["department"].choices = [
            ("", _("All departments")),
            *_department_choices(departments),
        ]
        self.fields["branch"].choices = [("", _("All branches")), *_department_choices(branches)]


class UploadForm(BootstrapMixin, forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, JPEG, PNG, TIFF, Word or Excel. Several files make several documents."),
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=400,
        help_text=_("Empty: each file's name is its title."),
    )
    doc_type = forms.ChoiceField(label=_("Document type"))
    department = forms.ChoiceField(label=_("Owning department"))
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    level = forms.ChoiceField(label=_("Confidentiality"), choices=Level.choices)
    number = forms.CharField(label=_("Number"), required=False, max_length=100)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate with commas."))
    link_type = forms.CharField(
        label=_("Linked record type"),
        required=False,
        help_text=_("For example licensing.licence, permits.permit, gis.parcel."),
    )
    link_id = forms.CharField(label=_("Linked record"), required=False)

    def __init__(
        self,
        *args: Any,
        types: list[Any],
        departments: list[Any],
        branches: list[Any],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["doc_type"].choices = _type_choices(types)
        self.fields["department"].choices = _department_choices(departments)
        self.fields["branch"].choices = [("", "—"), *_department_choices(branches)]
        self.fields["level"].initial = Level.INTERNAL
        self.metadata_fields: list[str] = []
        for doc_type in types:
            for spec in doc_type.fields or []:
                name = f"meta__{doc_type.key}__{spec['key']}"
                label = spec.get("label_ar") or spec.get("label_en") or spec["key"]
                self.fields[name] = forms.CharField(
                    label=f"{doc_type.name}: {label}", required=False, max_length=400
                )
                self.metadata_fields.append(name)

    def metadata(self) -> dict[str, str]:
        prefix = f"meta__{self.cleaned_data['doc_type']}__"
        return {
            name.removeprefix(prefix): value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and value
        }


class GrantForm(BootstrapMixin, forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    role_key = forms.CharField(label=_("Role"), required=False, max_length=40)
    username = forms.CharField(label=_("Employee (user name)"), required=False, max_length=150)

    def __init__(self, *args: Any, departments: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["department"].choices = [("", "—"), *_department_choices(departments)]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("", _("All states")), *VersionState.choices], required=False
    )


class EditForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=400)
    level = forms.ChoiceField(label=_("Confidentiality"), choices=Level.choices)
    number = forms.CharField(label=_("Number"), required=False, max_length=100)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate with commas."))
