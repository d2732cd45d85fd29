"""Workers logging contacts from the field: sign in, open the caseload and a client, log a contact.

Run by bench/load.py (loopback only). Each simulated user signs in once as one of the demo
workers, then repeats: caseload → client page → contact form → save, with a person's pauses
between pages (a few seconds to read, 10–20 s to fill in the form): about one contact every
25 s per worker.
"""

from __future__ import annotations

import random
import re
import time
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, task

PASSWORD = "outreach-demo-2026"  # noqa: S105 - synthetic demo accounts
WORKERS = ["worker", "peer", "worker2", "peer2", "worker3", "peer3", "worker4", "peer4"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
STAFF = re.compile(r'name="staff" value="(\d+)"[^>]*checked')


def pause(low: float, high: float) -> None:
    time.sleep(random.uniform(low, high))  # noqa: S311 - locust makes sleep cooperative


class FieldWorker(HttpUser):
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.username = random.choice(WORKERS)  # noqa: S311 - load test, not security
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )
        response.raise_for_status()
        self.client_ids = [
            int(pk)
            for pk in CLIENT_LINK.findall(self.client.get("/caseload/", name="caseload").text)
        ]

    @task
    def log_a_contact(self) -> None:
        self.client.get("/caseload/", name="caseload")
        if not self.client_ids:
            return
        pk = random.choice(self.client_ids)  # noqa: S311
        pause(2, 5)
        self.client.get(f"/clients/{pk}/", name="client page")
        pause(2, 5)
        form = self.client.get(f"/clients/{pk}/contacts/new/", name="contact form")
        pause(10, 20)
        token = CSRF.search(form.text).group(1)
        # Sofia is ahead of UTC: a UTC wall-clock time is in the past for the server.
        ago = timedelta(minutes=random.randint(5, 600))  # noqa: S311
        when = (datetime.now(UTC) - ago).strftime("%Y-%m-%dT%H:%M")
        with self.client.post(
            f"/clients/{pk}/contacts/new/",
            {
                "csrfmiddlewaretoken": token,
                "started_at": when,
                "mode": "face_to_face",
                "outcome": "met",
                "location": "street",
                "duration_minutes": "30",
                "staff": STAFF.findall(form.text),
                "note": "load test",
            },
            headers={"Referer": f"{self.host}/clients/{pk}/contacts/new/"},
            name="save contact",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"contact not saved: {response.status_code}")
