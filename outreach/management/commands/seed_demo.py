"""Load a realistic synthetic demo: one municipality, two teams, a year of history."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from outreach import demo
from outreach.models import Municipality, User

LOGINS = [
    ("worker", "worker (mental-health professional), team Centre"),
    ("peer", "worker (expert by experience), team Centre"),
    ("supervisor", "supervisor of both teams"),
    ("coordinator", "coordinator for Sofia"),
    ("partner", "referral partner (social-assistance directorate)"),
    ("admin", "administrator (/admin/)"),
]


class Command(BaseCommand):
    help = "Load the synthetic demo data (idempotent: does nothing if it is already there)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    def handle(self, *args, seed: int, **options):
        if Municipality.objects.filter(slug="sofia").exists():
            self.stdout.write("The demo data is already loaded.")
        else:
            autodiscover_modules("demo")
            import outreach.caserecord.demo  # noqa: F401 - registers the core's event demo
            import outreach.safeguarding.demo  # noqa: F401 - registers the risk assessments
            import outreach.visits.demo  # noqa: F401 - registers the planned visits' demo

            with transaction.atomic():
                ctx = demo.seed_core(seed=seed)
                for extend in demo.extensions():
                    extend(ctx)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo loaded: {len(ctx.clients)} clients in {len(ctx.teams)} teams."
                )
            )
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, what in LOGINS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"  {username:<12} {what}")
