"""The shape every table-like configuration section shares: a list, one form to add or edit a row,
and deletion where history allows it. Each save is one transaction together with its audit row, so a
change is either complete and audited or not there at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loopdesk.web.config import audit
from loopdesk.web.config.guard import admin_only


class Section:
    """Subclass per model; set the attributes, override the hooks that differ."""

    name: str = ""  # URL-name prefix and audit kind, e.g. "problem_type"
    slug: str = ""  # URL path part, e.g. "problem-types"
    model: type[models.Model]
    form_class: type[forms.ModelForm]
    title: Any = ""
    add_title: Any = ""  # heading of the form for a new row, e.g. "New routing rule"
    intro: Any = ""
    list_template: str = ""
    edit_template: str = "config/edit.html"
    deletable: bool = True

    # --- hooks ---------------------------------------------------------------------------
    def rows(self, request: HttpRequest) -> Any:
        return self.model.objects.all()

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def edit_context(self, request: HttpRequest, obj: models.Model | None) -> dict[str, Any]:
        return {}

    def form_kwargs(self, request: HttpRequest, obj: models.Model | None) -> dict[str, Any]:
        return {}

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        """Prefilled values for a new row (e.g. the parent chosen from a link)."""
        return {}

    def get_form_class(self, obj: models.Model | None) -> type[forms.ModelForm]:
        return self.form_class

    def after_save(self, request: HttpRequest, obj: models.Model, created: bool, form: forms.ModelForm) -> None:
        """Runs inside the transaction of the save, after the audit row."""

    def label(self, obj: models.Model) -> str:
        return str(obj)

    def target(self, obj: models.Model) -> str:
        return f"{self.name}:{obj.pk}"

    def refuse_delete(self, obj: models.Model) -> str | None:
        """A message when this row must not be deleted (e.g. still in use); None allows it."""
        return None

    # --- views -----------------------------------------------------------------------------
    def url(self, suffix: str = "", *args: Any) -> str:
        return reverse(f"config:{self.name}{suffix}", args=args)

    def _get(self, pk: int) -> models.Model:
        obj = self.model.objects.filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj

    def list_view(self, request: HttpRequest) -> HttpResponse:
        ctx = {"section": self, "rows": self.rows(request), "nav": "config", **self.list_context(request)}
        return render(request, self.list_template, ctx)

    def edit_view(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._get(pk) if pk is not None else None
        obj_label = self.label(obj) if obj is not None else ""
        form_class = self.get_form_class(obj)
        data = request.POST if request.method == "POST" else None
        form = form_class(data, instance=obj, initial=self.initial(request) if obj is None else None,
                          **self.form_kwargs(request, obj))
        status = 200
        if request.method == "POST":
            # Before validation: a ModelForm writes the submitted values onto its instance while validating.
            fields = list(form.fields)
            before = audit.state(obj, fields)
            if form.is_valid():
                with transaction.atomic():
                    saved = form.save()
                    after = audit.state(saved, fields)
                    audit.record(request, f"config.{self.name}.{'update' if obj else 'create'}",
                                 self.target(saved), {"label": self.label(saved), **audit.diff(before, after)})
                    self.after_save(request, saved, obj is None, form)
                messages.success(request, _("Saved: %(label)s") % {"label": self.label(saved)})
                return redirect(self.url())
            status = 400
        ctx = {"section": self, "form": form, "obj": obj, "obj_label": obj_label, "nav": "config",
               **self.edit_context(request, obj)}
        return render(request, self.edit_template, ctx, status=status)

    def delete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._get(pk)
        refusal = self.refuse_delete(obj) if self.deletable else _("This cannot be deleted.")
        if refusal:
            messages.error(request, refusal)
            return redirect(self.url())
        label, target = self.label(obj), self.target(obj)
        before = audit.state(obj, [f.name for f in self.model._meta.concrete_fields])
        try:
            with transaction.atomic():
                obj.delete()
                audit.record(request, f"config.{self.name}.delete", target, {"label": label, "before": before})
        except (ProtectedError, RestrictedError):
            messages.error(request, _("%(label)s is still in use and cannot be deleted.") % {"label": label})
        else:
            messages.success(request, _("Deleted: %(label)s") % {"label": label})
        return redirect(self.url())

    def urls(self) -> list:
        patterns = [
            path(f"{self.slug}/", admin_only(require_http_methods(["GET"])(self.list_view)), name=self.name),
            path(f"{self.slug}/new/", admin_only(require_http_methods(["GET", "POST"])(self.edit_view)),
                 name=f"{self.name}_new"),
            path(f"{self.slug}/<int:pk>/", admin_only(require_http_methods(["GET", "POST"])(self.edit_view)),
                 name=f"{self.name}_edit"),
        ]
        if self.deletable:
            patterns.append(path(f"{self.slug}/<int:pk>/delete/", admin_only(require_POST(self.delete_view)),
                                 name=f"{self.name}_delete"))
        return patterns
