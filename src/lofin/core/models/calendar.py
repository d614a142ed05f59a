"""Days off that the holiday tables cannot know in advance (임시공휴일 declared by the government)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExtraHoliday(models.Model):
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    # False records a weekday that is explicitly a working day despite the tables (rare, but it happens).
    is_holiday = models.BooleanField(_("day off"), default=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("extra holiday")
        verbose_name_plural = _("extra holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
