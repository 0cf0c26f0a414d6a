from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baladiya.core.api import BootstrapMixin
from baladiya.inspection.models import Category, Decision, VisitResult


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ViolationForm(BootstrapMixin, forms.Form):
    party = forms.CharField(
        label=_("National ID or commercial registration of the violator"), max_length=30
    )
    article = forms.ChoiceField(label=_("Article of the fine schedule"))
    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Photos (up to 6)"), required=False)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=300)

    def __init__(self, *args: Any, articles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [("", _("Choose…")), *articles]


class VisitForm(BootstrapMixin, forms.Form):
    party = forms.CharField(
        label=_("National ID or commercial registration"), max_length=30, required=False
    )
    parcel = forms.CharField(label=_("Parcel (block/number)"), max_length=40, required=False)
    category = forms.ChoiceField(label=_("Kind of inspection"), choices=Category.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    inspector = forms.ChoiceField(label=_("Inspector"))

    def __init__(self, *args: Any, inspectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = inspectors


class ResultForm(BootstrapMixin, forms.Form):
    result = forms.ChoiceField(label=_("What did you find?"), choices=VisitResult.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectionForm(BootstrapMixin, forms.Form):
    grounds = forms.CharField(
        label=_("Why do you object?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Committee's decision"), choices=Decision.choices)
    new_fine = forms.CharField(label=_("Reduced fine (if reducing)"), required=False, max_length=20)
    comment = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class ArticleForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=30)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    name_ar = forms.CharField(label=_("Description (Arabic)"), max_length=200)
    name_en = forms.CharField(label=_("Description (English)"), max_length=200)
    amount = forms.CharField(label=_("Fine"), max_length=20)
    repeat_factor = forms.CharField(label=_("Repeat multiplier"), max_length=6, initial="2")
    max_factor = forms.CharField(label=_("Highest multiplier"), max_length=6, initial="4")
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)
