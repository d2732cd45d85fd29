"""Celery application; tasks are discovered in each app's tasks.py."""

from __future__ import annotations

import os

from celery import Celery
from celery.app import trace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")

app = Celery("outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["outreach.ops"])

# A task's result is not for the log (the default line ends with it).
trace.LOG_SUCCESS = "Task %(name)s[%(id)s] succeeded in %(runtime)ss"

# The request id travels with each task; runs and failures are logged and counted.
from outreach.ops import celery_signals  # noqa: E402,F401
