"""Staff pages under /improvement/: problems with their complaints, suggestions, analysis and
actions; improvement actions with their effect. Views parse forms and call problems.py and
measures.py; a refusal or bad input changes nothing and says why."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loopdesk.complaints.access import access_complaint, visible_complaints
from loopdesk.core.errors import ValidationFailed
from loopdesk.improvement import measures, metrics, problems, similar
from loopdesk.improvement.access import (
    access_action,
    access_problem,
    can_manage,
    require_manage,
    require_view,
    visible_actions,
    visible_problems,
)
from loopdesk.improvement.forms import (
    ActionForm,
    AnalysisForm,
    CancelForm,
    CompleteForm,
    LinkForm,
    ProblemForm,
    RootCauseForm,
)
from loopdesk.improvement.models import OPEN_ACTION_STATUSES, ActionStatus, ImprovementAction, ProblemStatus
from loopdesk.web.views.common import add_domain_errors, guarded_view

PAGE_SIZE = 50


# --- problems ---

@require_GET
@guarded_view
def problem_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user)
    status = request.GET.get("status", "")
    qs = visible_problems(request.user)
    if status in ProblemStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs.select_related("problem_type", "owner")
                .annotate(n_complaints=Count("links", distinct=True),
                          n_open_actions=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES),
                                               distinct=True))
                .order_by("-id")[:PAGE_SIZE])
    return render(request, "improvement/problem_list.html", {
        "nav": "improvement", "rows": rows, "status": status, "statuses": ProblemStatus.choices,
        "can_manage": can_manage(request.user),
    })


@guarded_view
def problem_new(request: HttpRequest) -> HttpResponse:
    """A new problem, empty or grouped from a complaint (?complaint=NUMBER) and the ones like it."""
    require_manage(request.user)
    source = None
    number = request.GET.get("complaint") or request.POST.get("complaint") or ""
    suggestions: list = []
    if number:
        source = access_complaint(request.user, number)
        suggestions = similar.for_complaint(request.user, source)
    choices = ([source.number] if source else []) + [s.complaint.number for s in suggestions]
    if request.method == "POST":
        form = ProblemForm(request.POST, numbers_initial=choices)
        if form.is_valid():
            d = form.cleaned_data
            try:
                p = problems.create_problem(actor=request.user, title=d["title"], description=d["description"],
                                            problem_type=d["problem_type"] or None, product=d["product"],
                                            owner_id=d["owner_id"], numbers=d["numbers"])
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Problem #%(id)s created.") % {"id": p.pk})
                return redirect("improvement:problem", p.pk)
        status = 400
    else:
        initial = {"owner_id": request.user.pk}
        if source is not None:
            initial.update(title=source.subject, product=source.product, numbers=[source.number],
                           problem_type=source.problem_type.code if source.problem_type_id else "")
        form = ProblemForm(initial=initial, numbers_initial=choices)
        status = 200
    joinable = list(similar.open_problems_like(source)[:10]) if source is not None else []
    return render(request, "improvement/problem_new.html", {
        "nav": "improvement", "form": form, "source": source, "joinable": joinable,
        "scores": {s.complaint.number: s for s in suggestions},
    }, status=status)


def _problem_context(request: HttpRequest, p, bound: dict[str, forms.Form]) -> dict:
    user = request.user
    manage = can_manage(user) and p.status != ProblemStatus.CLOSED
    links = list(p.links.filter(complaint__in=visible_complaints(user))
                 .select_related("complaint__problem_type", "linked_by"))
    actions = list(p.actions.select_related("owner", "department").order_by("due_date", "id"))
    now = timezone.now()
    for a in actions:
        a.effect = metrics.evaluate(a, now)
    initial_action = {"metric_problem_type": p.problem_type.code if p.problem_type_id else "",
                      "metric_product": p.product, "owner_id": p.owner_id, "evaluation_weeks": 4}
    return {
        "nav": "improvement", "p": p, "links": links, "hidden_links": p.links.count() - len(links),
        "causes": list(p.causes.all()), "actions": actions, "manage": manage,
        "can_reopen": can_manage(user) and p.status == ProblemStatus.CLOSED,
        "suggestions": similar.for_problem(user, p) if manage else [],
        "edit_form": bound.get("edit") or (ProblemForm.of(p) if manage else None),
        "link_form": bound.get("link") or LinkForm(prefix="link"),
        "analysis_form": bound.get("analysis") or AnalysisForm.of(p),
        "root_form": bound.get("root") or RootCauseForm(prefix="root", initial={"root_cause": p.root_cause}),
        "action_form": bound.get("action") or ActionForm(prefix="action", initial=initial_action),
        "open_section": next(iter(bound), ""),
        "today": timezone.localdate(),
    }


@require_GET
@guarded_view
def problem_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    p = access_problem(request.user, problem_id)
    return render(request, "improvement/problem.html", _problem_context(request, p, {}))


def _posted(form_cls, prefix: str, run, *, key: str, access, page: str, template: str, context):
    """A form posted from a problem or action page: run it, or show that page again with the errors (400).

    `access(user, pk)` fetches the record (refusing those the user may not act on); `context` builds
    the page's context from the record and the bound form.
    """

    @require_POST
    @guarded_view
    def view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        pk = kwargs[key]
        access(request.user, pk)
        form = form_cls(request.POST, prefix=prefix) if form_cls else None
        if form is None or form.is_valid():
            try:
                done = run(request, pk, form)
            except ValidationFailed as exc:
                if form is None:
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect(page, pk)
        return render(request, template, context(request, access(request.user, pk, read=True), {prefix: form}),
                      status=400)

    return view


def _problem_post(form_cls, prefix: str, run: Callable[[HttpRequest, int, forms.Form], str]):
    def access(user, pk, read=False):
        return access_problem(user, pk, manage=not read)

    return _posted(form_cls, prefix, run, key="problem_id", access=access, page="improvement:problem",
                   template="improvement/problem.html", context=_problem_context)


def _edit(request, pk, form) -> str:
    d = form.cleaned_data
    problems.update_problem(pk, actor=request.user, title=d["title"], description=d["description"],
                            problem_type=d["problem_type"] or None, product=d["product"], owner_id=d["owner_id"])
    return _("Problem saved.")


def _link(request, pk, form) -> str:
    new = problems.link_complaints(pk, form.cleaned_numbers(), actor=request.user)
    return _("%(n)s complaint(s) grouped into the problem.") % {"n": len(new)}


def _analysis(request, pk, form) -> str:
    causes = form.causes()
    try:
        problems.record_analysis(pk, actor=request.user, causes=causes, **form.answers())
    except ValidationFailed as exc:
        # "causes.3.text" → the textarea of that cause's category, where the line was typed.
        exc.errors = {(causes[int(k.split(".")[1])].category if k.startswith("causes.") and k.count(".") == 2
                       else k): v for k, v in exc.errors.items()}
        raise
    return _("Analysis saved.")


def _root(request, pk, form) -> str:
    problems.confirm_root_cause(pk, actor=request.user, root_cause=form.cleaned_data["root_cause"])
    return _("Root cause confirmed.")


def _new_action(request, pk, form) -> str:
    measures.create_action(actor=request.user, problem_id=pk, **form.plan())
    return _("Improvement action planned.")


def _close(request, pk, form) -> str:
    problems.close_problem(pk, actor=request.user)
    return _("Problem closed.")


def _reopen(request, pk, form) -> str:
    problems.reopen_problem(pk, actor=request.user)
    return _("Problem reopened.")


problem_edit = _problem_post(ProblemForm, "edit", _edit)
problem_link = _problem_post(LinkForm, "link", _link)
problem_analysis = _problem_post(AnalysisForm, "analysis", _analysis)
problem_root_cause = _problem_post(RootCauseForm, "root", _root)
problem_new_action = _problem_post(ActionForm, "action", _new_action)
problem_close = _problem_post(None, "close", _close)
problem_reopen = _problem_post(None, "reopen", _reopen)


@require_POST
@guarded_view
def problem_unlink(request: HttpRequest, problem_id: int, number: str) -> HttpResponse:
    problems.unlink_complaint(problem_id, number, actor=request.user)
    messages.success(request, _("Complaint %(number)s removed from the problem.") % {"number": number})
    return redirect("improvement:problem", problem_id)


# --- improvement actions ---

@require_GET
@guarded_view
def action_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user)
    today = timezone.localdate()
    qs = visible_actions(request.user)
    status, which = request.GET.get("status", ""), request.GET.get("show", "")
    if status in ActionStatus.values:
        qs = qs.filter(status=status)
    if which == "overdue":
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
    elif which == "mine":
        qs = qs.filter(owner=request.user)
    rows = list(qs.select_related("owner", "department", "problem").order_by("due_date", "id")[:PAGE_SIZE])
    for a in rows:
        a.overdue = a.is_overdue(today)
    return render(request, "improvement/action_list.html", {
        "nav": "improvement", "rows": rows, "status": status, "show": which, "statuses": ActionStatus.choices,
    })


def _action_context(request: HttpRequest, a: ImprovementAction, bound: dict[str, forms.Form]) -> dict:
    user = request.user
    manage = can_manage(user) and a.is_open
    progress = a.is_open and (can_manage(user) or a.owner_id == user.pk)
    plan = {"measure": a.measure, "metric": a.metric, "metric_product": a.metric_product,
            "metric_problem_type": a.metric_problem_type.code if a.metric_problem_type_id else "",
            "baseline_value": a.baseline_value, "target_value": a.target_value, "owner_id": a.owner_id,
            "department_id": a.department_id, "due_date": a.due_date, "evaluation_weeks": a.evaluation_weeks}
    return {
        "nav": "improvement", "a": a, "effect": metrics.evaluate(a), "overdue": a.is_overdue(),
        "manage": manage, "can_start": progress and a.status == ActionStatus.PLANNED, "can_complete": progress,
        "edit_form": bound.get("edit") or (ActionForm(prefix="edit", initial=plan) if manage else None),
        "complete_form": bound.get("complete") or CompleteForm(prefix="complete"),
        "cancel_form": bound.get("cancel") or CancelForm(prefix="cancel"),
        "open_section": next(iter(bound), ""),
    }


@require_GET
@guarded_view
def action_page(request: HttpRequest, action_id: int) -> HttpResponse:
    a = access_action(request.user, action_id)
    return render(request, "improvement/action.html", _action_context(request, a, {}))


def _action_post(form_cls, prefix: str, run: Callable[[HttpRequest, int, forms.Form | None], str]):
    def access(user, pk, read=False):
        return access_action(user, pk)

    return _posted(form_cls, prefix, run, key="action_id", access=access, page="improvement:action",
                   template="improvement/action.html", context=_action_context)


def _action_edit(request, pk, form) -> str:
    plan = form.plan()
    measures.update_action(pk, actor=request.user, **plan)
    return _("Improvement action saved.")


def _start(request, pk, form) -> str:
    measures.start_action(pk, actor=request.user)
    return _("Improvement action started.")


def _complete(request, pk, form) -> str:
    measures.complete_action(pk, actor=request.user, result=form.cleaned_data["result"])
    return _("Improvement action completed; its effect is now measured.")


def _cancel(request, pk, form) -> str:
    measures.cancel_action(pk, actor=request.user, reason=form.cleaned_data["reason"])
    return _("Improvement action cancelled.")


action_edit = _action_post(ActionForm, "edit", _action_edit)
action_start = _action_post(None, "start", _start)
action_complete = _action_post(CompleteForm, "complete", _complete)
action_cancel = _action_post(CancelForm, "cancel", _cancel)
