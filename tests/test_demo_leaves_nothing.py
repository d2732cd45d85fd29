"""The demo seeded by tests/test_demo.py for its module is rolled back after it (this file
runs after it in file order; in a shuffled order it may run before, and pass as well)."""

from outreach.models import Client, User


def test_the_demo_is_gone_after_its_module(db):
    assert not Client.objects.exists()
    assert not User.objects.filter(username="worker").exists()
