"""Problem types: the two-level taxonomy complaints are classified by (SPEC §2).

Types are never deleted — complaints, routing rules and reports refer to them — only deactivated.
A code is fixed once created, because the API, keyword rules and imports use it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import ProblemType
from loopdesk.web.config.crud import Section


class ProblemTypeForm(forms.ModelForm):
    class Meta:
        model = ProblemType
        fields = ["code", "parent", "name_zh", "name_en", "order", "active"]
        help_texts = {
            "code": _("Letters, digits, - and _. Used by the API and imports; cannot be changed later."),
            "parent": _("Empty for a top-level category."),
            "order": _("Smaller numbers come first."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roots = ProblemType.objects.filter(parent__isnull=True)
        if self.instance.pk:
            roots = roots.exclude(pk=self.instance.pk)
            self.fields["code"].disabled = True
        self.fields["parent"].queryset = roots.order_by("order", "code")
        self.fields["parent"].empty_label = _("— none (top-level category) —")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        inst = self.instance
        if inst.pk:
            if data.get("parent") and inst.children.exists():
                self.add_error("parent", _("This category has sub-types, so it cannot become a sub-type itself."))
            if data.get("active") is False and inst.children.filter(active=True).exists():
                self.add_error("active", _("Deactivate its sub-types first."))
        parent = data.get("parent")
        if parent is not None and not parent.active and data.get("active"):
            self.add_error("parent", _("The parent category is inactive."))
        return data


class ProblemTypes(Section):
    name = "problem_type"
    slug = "problem-types"
    model = ProblemType
    form_class = ProblemTypeForm
    title = _("Problem types")
    add_title = _("New problem type")
    intro = _("Two levels: categories and their sub-types. Names in Chinese and English. "
              "Types in use are deactivated, not deleted; inactive types cannot be chosen for new complaints.")
    list_template = "config/problem_types.html"
    deletable = False

    def rows(self, request: HttpRequest) -> list[tuple[ProblemType, list[ProblemType]]]:
        types = list(ProblemType.objects.order_by("order", "code"))
        children: dict[int, list[ProblemType]] = {}
        for t in types:
            if t.parent_id:
                children.setdefault(t.parent_id, []).append(t)
        return [(t, children.get(t.pk, [])) for t in types if not t.parent_id]

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        parent = request.GET.get("parent", "")
        return {"parent": int(parent)} if parent.isdigit() else {}

    def target(self, obj: ProblemType) -> str:
        return f"problem_type:{obj.code}"

    def label(self, obj: ProblemType) -> str:
        return f"{obj.name_zh} / {obj.name_en}"


section = ProblemTypes()
