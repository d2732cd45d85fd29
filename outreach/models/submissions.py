"""Submitted create forms: a second submission of the same form shows what the first saved."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SubmissionToken(models.Model):
    """One create form as served (its hidden token) and where its first submission led.

    `url` is empty while the first submission is being saved.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submission_tokens"
    )
    token = models.UUIDField()
    path = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submission_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.token}"
