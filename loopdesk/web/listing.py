"""The complaint list's query, shared by the list page and its Excel export."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict

from loopdesk.accounts.models import Department, User
from loopdesk.complaints.access import department_ids, visible_complaints
from loopdesk.complaints.filters import apply_filters
from loopdesk.complaints.models import Complaint
from loopdesk.web import clocks
from loopdesk.web.forms.filters import ListForm

ROW_RELATED = ("customer", "problem_type", "department", "owner")


def staff_people() -> list[User]:
    """Everyone a complaint can be given to or filtered by, with their department (one query)."""
    return list(User.objects.filter(is_active=True).select_related("department")
                .order_by("department__code", "display_name", "username"))


@dataclass
class ListQuery:
    user: User
    form: ListForm
    queryset: QuerySet[Complaint]  # filtered and ordered, related rows joined
    staff: list[User]
    departments: list[Department]

    @property
    def search(self) -> str:
        return self.form.filters().q or ""

    def matching(self, *, search_through_index: bool | None = None) -> QuerySet[Complaint]:
        """The same rows, the search matched as `textsearch.search(use_index=…)` says."""
        return _matching(self.user, self.form, search_through_index)


def _matching(user: User, form: ListForm, search_through_index: bool | None) -> QuerySet[Complaint]:
    qs = apply_filters(visible_complaints(user), form.filters(), search_through_index=search_through_index)
    if form.value("my_departments"):
        qs = qs.filter(department_id__in=department_ids(user))
    due = form.value("due")
    if due == "overdue":
        qs = clocks.overdue(qs)
    elif due == "due_soon":
        qs = clocks.due_soon(qs)
    return qs.select_related(*ROW_RELATED).order_by(*form.ordering)


def build(user: User, params: QueryDict) -> ListQuery:
    staff = staff_people()
    departments = list(Department.objects.order_by("code"))
    form = ListForm(params, staff=staff, departments=departments)
    form.is_valid()  # invalid fields are reported and left out; the rest still filters
    return ListQuery(user, form, _matching(user, form, None), staff, departments)


def saved_querystring(params: QueryDict) -> str:
    """The query string worth saving: filters and sort, not the page."""
    q = params.copy()
    for key in ("page", "csrfmiddlewaretoken"):
        q.pop(key, None)
    return q.urlencode()
