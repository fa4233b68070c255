"""Departments, staff accounts and their roles. People are deactivated, never deleted: complaints,
timelines and audit rows keep pointing at them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from loopdesk.accounts.models import Department, Role, User
from loopdesk.complaints.models import OPEN_STATUSES
from loopdesk.routing.models import RoutingRule
from loopdesk.web.config import audit
from loopdesk.web.config.crud import Section
from loopdesk.web.config.guard import admin_only

# --- departments ---------------------------------------------------------------------------------


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name_zh", "name_en"]
        help_texts = {"code": _("Letters, digits, - and _; used in reports and the API.")}


class Departments(Section):
    name = "department"
    slug = "departments"
    model = Department
    form_class = DepartmentForm
    title = _("Departments")
    add_title = _("New department")
    intro = _("Teams that complaints are routed to. A department with people, routing rules or complaints "
              "cannot be deleted.")
    list_template = "config/departments.html"

    def rows(self, request: HttpRequest) -> Any:
        return Department.objects.annotate(
            people=Count("members", filter=Q(members__is_active=True), distinct=True),
        ).order_by("code")

    def refuse_delete(self, obj: Department) -> str | None:
        if obj.members.exists() or obj.supervisors.exists():
            return gettext("%(label)s still has people; move them first.") % {"label": obj}
        if RoutingRule.objects.filter(department=obj).exists():
            return gettext("Routing rules still send complaints to %(label)s; change them first.") % {"label": obj}
        return None

    def target(self, obj: Department) -> str:
        return f"department:{obj.code}"


# --- users ---------------------------------------------------------------------------------------

USER_FIELDS = ["username", "display_name", "role", "department", "supervised_departments", "email", "phone"]


class UserCreateForm(forms.ModelForm):
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    class Meta:
        model = User
        fields = USER_FIELDS
        help_texts = {"supervised_departments": _("Only for supervisors: departments they look after "
                                                  "besides their own."),
                      "username": _("Used to sign in. Letters, digits and @/./+/-/_ only.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervised_departments"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["supervised_departments"].choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(username=data.get("username", ""), email=data.get("email", ""),
                         display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
            self.save_m2m()
        return user


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [f for f in USER_FIELDS if f != "username"] + ["is_active"]
        labels = {"is_active": _("Active (may sign in)")}
        help_texts = UserCreateForm.Meta.help_texts

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["supervised_departments"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["supervised_departments"].choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The actor is an active admin, so refusing to lock themselves out keeps at least one admin.
        if self.instance.pk == self.actor.pk:
            if data.get("is_active") is False:
                self.add_error("is_active", _("You cannot deactivate your own account."))
            if data.get("role") and data.get("role") != Role.ADMIN:
                self.add_error("role", _("You cannot take away your own administrator role."))
        return data


class Users(Section):
    name = "user"
    slug = "users"
    model = User
    form_class = UserEditForm
    title = _("Users and roles")
    add_title = _("New user")
    intro = _("Staff accounts: role, department and whether they may sign in. People leave by being "
              "deactivated; their history stays.")
    list_template = "config/users.html"
    deletable = False

    def get_form_class(self, obj: Any) -> type[forms.ModelForm]:
        return UserEditForm if obj is not None else UserCreateForm

    def form_kwargs(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"actor": request.user} if obj is not None else {}

    def rows(self, request: HttpRequest) -> Any:
        qs = User.objects.select_related("department").order_by("-is_active", "role", "username")
        role, dept, q = request.GET.get("role", ""), request.GET.get("department", ""), request.GET.get("q", "")
        if role in Role.values:
            qs = qs.filter(role=role)
        if dept.isdigit():
            qs = qs.filter(department_id=int(dept))
        if q.strip():
            qs = qs.filter(Q(username__icontains=q.strip()) | Q(display_name__icontains=q.strip()))
        return qs

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"roles": Role.choices, "departments": Department.objects.order_by("code"),
                "filter": {k: request.GET.get(k, "") for k in ("role", "department", "q")}}

    def after_save(self, request: HttpRequest, obj: User, created: bool, form: forms.ModelForm) -> None:
        if not obj.is_active:
            open_count = obj.owned_complaints.filter(status__in=OPEN_STATUSES).count()
            if open_count:
                messages.warning(request, gettext("%(user)s still owns %(n)d open complaints: reassign them.")
                                 % {"user": obj.label, "n": open_count})

    def label(self, obj: User) -> str:
        return f"{obj.username} ({obj.label})"

    def target(self, obj: User) -> str:
        return f"user:{obj.username}"


departments = Departments()
users = Users()


@admin_only
@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    form = SetPasswordForm(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Saving a new password also ends the person's existing sessions (their auth hash changes).
        with transaction.atomic():
            form.save()
            audit.record(request, "config.user.password", users.target(person), {"label": users.label(person)})
        messages.success(request, gettext("New password set for %(user)s.") % {"user": person.label})
        return redirect(users.url())
    return render(request, "config/password.html", {"person": person, "form": form, "section": users,
                                                    "nav": "config"},
                  status=400 if request.method == "POST" else 200)


urlpatterns = [
    *departments.urls(),
    *users.urls(),
    path("users/<int:pk>/password/", password_view, name="user_password"),
]
