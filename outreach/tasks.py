"""Celery tasks of the core record: adapters that call services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from outreach import clientcopy, erasure, idempotency
from outreach.origin import Origin


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def anonymise_past_retention() -> list[int]:
    """Anonymise every client whose last episode ended longer ago than their retention period.

    Also drops the client's copies that were made and never downloaded.
    """
    clientcopy.copies_expire(origin=Origin.system("copies_expire"))
    return erasure.anonymise_past_retention(origin=Origin.system("anonymise_past_retention"))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def client_copy_build(export_id: int) -> int:
    """Make the client's copy that was asked for (PDF and JSON), with progress on the page."""
    return clientcopy.copy_build(export_id=export_id).pk


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def idempotency_keys_expire() -> int:
    """Forget the API's Idempotency-Keys older than the replay window (hourly)."""
    return idempotency.keys_expire()
