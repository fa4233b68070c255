"""Telling people from scripts without a CAPTCHA: a honeypot field people never see, and a signed
time stamp that shows how long the form was open (too fast is a script; too old has expired)."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

_SALT = "loopdesk.portal.form"
MAX_FORM_AGE = 3 * 3600


def min_fill_seconds() -> float:
    return float(getattr(settings, "LOOPDESK", {}).get("PORTAL_MIN_FILL_SECONDS", 3))


def stamp() -> str:
    return signing.dumps(int(time.time() * 1000), salt=_SALT)


class HumanCheckForm(forms.Form):
    """Mixed into every public form. The honeypot is hidden by CSS and from assistive technology."""

    homepage = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"),
                               widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    check_fill_time = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A fresh stamp on every render: a form shown again after an error starts a new clock.
        self.initial["started"] = stamp()

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self._errors:
            # Shown again for correction: the clock restarts, so a stale or fast stamp cannot stick.
            self.data = self.data.copy()
            self.data["started"] = stamp()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("homepage"):
            raise forms.ValidationError(_("Your message could not be accepted. Please try again."), code="honeypot")
        if not self.check_fill_time:
            return data
        try:
            started_ms = int(signing.loads(data.get("started") or "", salt=_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(_("Your message could not be accepted. Please try again."),
                                        code="stamp") from None
        open_ms = time.time() * 1000 - started_ms
        if open_ms > MAX_FORM_AGE * 1000:
            raise forms.ValidationError(_("The form was open too long. Please check it and send it again."),
                                        code="expired")
        if open_ms < min_fill_seconds() * 1000:
            raise forms.ValidationError(_("That was very fast. Please check your answers and send them again."),
                                        code="too_fast")
        return data
