"""The complaint list: filters, search, sorting, pages, saved views and bulk assignment."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from loopdesk.complaints import actions
from loopdesk.complaints.access import may_by_role
from loopdesk.core import textsearch
from loopdesk.core.errors import DomainError, NotAllowed
from loopdesk.web import clocks, listing
from loopdesk.web.models import SavedView
from loopdesk.web.views.common import refused, staff_view

MAX_BULK = 200


def _list_url(querystring: str = "") -> str:
    return reverse("web:complaints") + (f"?{querystring}" if querystring else "")


COUNT_CAP = 1000


@require_GET
@staff_view
def complaint_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    lq = listing.build(user, request.GET)
    form = lq.form
    offset = (form.page_number - 1) * form.page_size

    def fetch(search_through_index: bool | None = None) -> tuple[QuerySet, list]:
        qs = lq.queryset if search_through_index is None else lq.matching(search_through_index=True)
        return qs, list(qs[offset: offset + form.page_size + 1])

    # A one-word search gets the API's time budget, then goes through the index (core/textsearch.py).
    queryset, rows = textsearch.within_budget(lq.search, fetch)
    has_next = len(rows) > form.page_size
    rows = rows[: form.page_size]
    by_id = clocks.clocks_for(rows)
    current = listing.saved_querystring(request.GET)
    # Counting every row of a wide scope costs more than the page itself; past the cap, say "more than".
    total = queryset.order_by()[: COUNT_CAP + 1].count()
    return render(request, "web/list/list.html", {
        "nav": "complaints",
        "form": form,
        "rows": rows,
        "clocks": {c.pk: clocks.next_clock(by_id.get(c.pk, [])) for c in rows},
        "total": total,
        "total_more": total > COUNT_CAP,
        "count_cap": COUNT_CAP,
        "page": form.page_number,
        "has_next": has_next,
        "has_prev": form.page_number > 1,
        "saved_views": list(SavedView.objects.filter(user=user)),
        "current_query": current,
        "can_bulk_assign": may_by_role(user, "assign"),
        "staff": lq.staff,
        "export_url": reverse("web:export") + (f"?{current}" if current else ""),
    })


class SaveViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("View name"), max_length=60)
    querystring = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


@require_POST
@staff_view
def save_view(request: HttpRequest) -> HttpResponse:
    form = SaveViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the view a name (at most 60 characters)."))
        return redirect(_list_url(request.POST.get("querystring", "")))
    qs = listing.saved_querystring(QueryDict(form.cleaned_data["querystring"]))
    name = form.cleaned_data["name"].strip()
    try:
        with transaction.atomic():
            SavedView.objects.update_or_create(user=request.user, name=name, defaults={"querystring": qs})
    except IntegrityError:  # two tabs saving the same name at once: the other one won
        pass
    messages.success(request, _("View “%(name)s” saved.") % {"name": name})
    return redirect(_list_url(qs))


@require_POST
@staff_view
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    # Only one's own views: someone else's id is simply not found.
    deleted, _rows = SavedView.objects.filter(user=request.user, pk=view_id).delete()
    if deleted:
        messages.success(request, _("View deleted."))
    return redirect(_list_url())


@require_POST
@staff_view
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user = request.user
    back = _list_url(listing.saved_querystring(QueryDict(request.POST.get("querystring", ""))))
    if not may_by_role(user, "assign"):
        return refused(request, NotAllowed(_("Your role may not assign complaints.")))
    numbers = list(dict.fromkeys(n.strip() for n in request.POST.getlist("numbers") if n.strip()))[:MAX_BULK]
    owner = request.POST.get("owner", "")
    if not numbers or not owner.isdigit():
        messages.error(request, _("Select complaints and the person to assign them to."))
        return redirect(back)
    done, failed = [], []
    for number in numbers:
        # Each complaint is its own transaction and its own permission check: one refusal stops no other.
        try:
            actions.assign(number, actor=user, owner_id=int(owner), note=_("Bulk assignment"))
            done.append(number)
        except DomainError as exc:
            failed.append(f"{number}: {_message(exc)}")
    if done:
        messages.success(request, _("Assigned %(n)d complaint(s).") % {"n": len(done)})
    if failed:
        messages.error(request, _("Not assigned: %(list)s") % {"list": "; ".join(failed)})
    return redirect(back)


def _message(exc: DomainError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return " ".join(str(m) for msgs in errors.values() for m in msgs)
    return str(exc.message)
