from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import CustomerLevel


class Customer(models.Model):
    """A complaining customer. Anonymous customers have no contact data and are never merged."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    member_no = models.CharField(_("member / account no."), max_length=50, blank=True, db_index=True)
    region = models.CharField(_("region"), max_length=50, blank=True)
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    level = models.CharField(
        _("customer level"), max_length=20, choices=CustomerLevel.choices, default=CustomerLevel.NORMAL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name or str(_("Anonymous"))
