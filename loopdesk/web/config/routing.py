"""Routing rules: which department, role or person new complaints go to (SPEC §4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.classification.models import ProblemType
from loopdesk.complaints.models import Channel
from loopdesk.routing.models import RoutingRule
from loopdesk.web.config.crud import Section


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProblemType) -> str:
        name = obj.display_name if obj.active else f"{obj.display_name} ({_('inactive')})"
        return f"{obj.parent.display_name} › {name}" if obj.parent_id else name


class RoutingRuleForm(forms.ModelForm):
    problem_type = TypeChoiceField(queryset=ProblemType.objects.none(), required=False,
                                   label=_("problem type"), empty_label=_("— any type —"),
                                   help_text=_("A category also matches its sub-types."))
    channel = forms.ChoiceField(label=_("channel"), required=False,
                                choices=[("", _("— any channel —")), *Channel.choices])

    class Meta:
        model = RoutingRule
        fields = ["order", "name", "active", "problem_type", "channel", "region", "customer_level",
                  "department", "role", "user", "strategy"]
        help_texts = {
            "order": _("Rules are tried from the smallest number up; the first that matches decides."),
            "region": _("Empty matches every region."),
            "user": _("When set, the complaint goes to this person; otherwise to someone with the role "
                      "inside the department, picked by the strategy."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem_type"].queryset = (
            ProblemType.objects.select_related("parent").order_by("parent__order", "order", "code"))
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["customer_level"].choices = [("", _("— any level —")),
                                                 *self.fields["customer_level"].choices[1:]]
        self.fields["user"].empty_label = _("— pick by strategy —")


class RoutingRules(Section):
    name = "routing_rule"
    slug = "routing"
    model = RoutingRule
    form_class = RoutingRuleForm
    title = _("Routing rules")
    add_title = _("New routing rule")
    intro = _("New complaints are matched against the active rules from the smallest order up; the first "
              "rule whose conditions all match decides the department and owner. Empty conditions match "
              "anything. A complaint no rule matches stays unassigned.")
    list_template = "config/routing.html"

    def rows(self, request: HttpRequest) -> list[RoutingRule]:
        rules = list(RoutingRule.objects.select_related("problem_type__parent", "department", "user"))
        # Warn when a rule can reach nobody: no named person and no active member with the role.
        staffed = set(User.objects.filter(is_active=True).values_list("department_id", "role").distinct())
        channels = dict(Channel.choices)
        for r in rules:
            r.nobody = not (r.user_id and r.user.is_active) and (r.department_id, r.role) not in staffed
            r.channel_label = channels.get(r.channel, r.channel)
        return rules


section = RoutingRules()
