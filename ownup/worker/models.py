from django.db import models


class ScheduledJob(models.Model):
    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField(db_index=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_worker = models.CharField(max_length=100, blank=True)
    last_result = models.TextField(blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
