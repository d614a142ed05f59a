from __future__ import annotations

from django.db import models


class DemoRun(models.Model):
    """A demo loader that has finished for a size; loading again skips it (loads are idempotent)."""

    loader = models.CharField(max_length=60)
    size = models.CharField(max_length=10)
    version = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    finished_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["loader", "size", "version"], name="demo_run_unique")]

    def __str__(self) -> str:
        return f"{self.loader}/{self.size} v{self.version}"
