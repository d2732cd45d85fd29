"""Celery tasks of the core record: adapters that call services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from outreach import erasure
from outreach.origin import Origin


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def anonymise_past_retention() -> list[int]:
    """Anonymise every client whose last episode ended longer ago than their retention period."""
    return erasure.anonymise_past_retention(origin=Origin.system("anonymise_past_retention"))
