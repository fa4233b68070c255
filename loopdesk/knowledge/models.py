"""Knowledge base (SPEC §7): standard scripts (话术) and solutions per problem type."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    # Empty: a general article, suggested for any type.
    problem_type = models.ForeignKey(
        "classification.ProblemType", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("problem type"),
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True,
                                help_text=_("Words customers use for this problem, separated by spaces."))
    script = models.TextField(_("standard script"), blank=True,
                              help_text=_("What to say to the customer (话术)."))
    solution = models.TextField(_("solution"), blank=True, help_text=_("How the problem is solved."))
    status = models.CharField(_("status"), max_length=20, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT)
    source_complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("drafted from complaint"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    # Character bigrams (loopdesk.core.textsearch), GIN-indexed on PostgreSQL like complaints.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-usage_count", "-id"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        indexes = [
            models.Index(fields=["status", "problem_type"], name="kb_status_type"),
            models.Index(fields=["status", "-usage_count", "-id"], name="kb_status_usage"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleUse(models.Model):
    """An article used on a complaint: counted once per complaint, shown on its timeline."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="uses")
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="+")
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "complaint"], name="kb_use_once")]
