"""Business calendar configuration: weekly working hours and dated exceptions (SPEC §3)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    # Same numbering as date.weekday(), so no translation table is needed at run time.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingPeriod(models.Model):
    """One stretch of working hours on an ordinary week day; a day may have several."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="deadlines_period_end_after_start",
                violation_error_message=_("End must be after start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.weekday is None or self.start is None or self.end is None:
            return  # field errors are already reported
        if self.end <= self.start:
            raise ValidationError({"end": ValidationError(_("End must be after start."), code="end_before_start")})
        clash = (
            WorkingPeriod.objects.filter(weekday=self.weekday, start__lt=self.end, end__gt=self.start)
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError({"start": ValidationError(
                _("Overlaps %(period)s on the same day."),
                code="overlap",
                params={"period": f"{clash.start:%H:%M}–{clash.end:%H:%M}"},
            )})


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKDAY = "workday", _("Working day")


class DaySource(models.TextChoices):
    ORG = "org", _("Organisation")
    OFFICIAL = "official", _("Official schedule")


class CalendarDay(models.Model):
    """A dated exception to the weekly hours.

    Official days (an announced State Council schedule) override the built-in holiday data;
    organisation days override everything.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=DaySource.choices, default=DaySource.ORG,
        help_text=_("Organisation days override everything; official days override built-in holidays."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
