"""Forms of the knowledge pages. They only parse; rules live in loopdesk.knowledge.articles."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.knowledge.models import ArticleStatus


def type_choices(blank_label) -> list[tuple[str, str]]:
    """Root types with their sub-types indented under them, in taxonomy order."""
    types = [p for p in problem_types_by_code().values() if p.active]
    types.sort(key=lambda p: (p.order, p.code))
    out: list[tuple[str, str]] = [("", blank_label)]
    for root in (p for p in types if not p.parent_id):
        out.append((root.code, root.display_name))
        out.extend((p.code, f"— {p.display_name}") for p in types if p.parent_id == root.pk)
    return out


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, writer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem_type"].choices = type_choices(_("All types"))
        if writer:
            self.fields["status"].choices = [("", _("All")), *ArticleStatus.choices]
        else:
            del self.fields["status"]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    keywords = forms.CharField(label=_("Keywords"), required=False, max_length=300,
                               help_text=_("Words customers use for this problem, separated by spaces."))
    script = forms.CharField(label=_("Standard script (话术)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 6}), help_text=_("What to say to the customer."))
    solution = forms.CharField(label=_("Solution"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                               help_text=_("How the problem is solved: steps, who does what, compensation rules."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem_type"].choices = type_choices(_("General (any type)"))
