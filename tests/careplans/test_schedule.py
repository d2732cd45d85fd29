"""Reviews at months 0, 3, 6 and 9 of the episode, then every third month; month ends clamp."""

from __future__ import annotations

from datetime import date

from careplans.schedule import next_review, review_dates, review_status


def test_review_months_are_0_3_6_9_then_every_three():
    dates = review_dates(date(2026, 1, 31), date(2027, 5, 1))
    assert dates == [
        (0, date(2026, 1, 31)),
        (3, date(2026, 4, 30)),
        (6, date(2026, 7, 31)),
        (9, date(2026, 10, 31)),
        (12, date(2027, 1, 31)),
        (15, date(2027, 4, 30)),
    ]


def test_first_plan_is_due_at_episode_start_and_overdue_the_day_after():
    start = date(2026, 1, 31)
    assert (
        next_review(started_on=start, first_agreed=False, reviewed_months=(), today=start).status
        == "due"
    )
    late = next_review(
        started_on=start, first_agreed=False, reviewed_months=(), today=date(2026, 2, 1)
    )
    assert (late.month, late.due_on, late.status) == (0, start, "overdue")


def test_month_3_review_after_jan_31_start_is_due_on_apr_30():
    start = date(2026, 1, 31)

    def status(today):
        return next_review(started_on=start, first_agreed=True, reviewed_months=(), today=today)

    assert status(date(2026, 4, 15)).status == "upcoming"
    assert status(date(2026, 4, 16)).status == "due"  # the window opens 14 days before
    assert status(date(2026, 4, 30)).status == "due"
    assert status(date(2026, 5, 1)).status == "overdue"
    assert status(date(2026, 5, 1)).due_on == date(2026, 4, 30)


def test_held_reviews_move_the_clock_on():
    start = date(2026, 1, 31)
    nxt = next_review(
        started_on=start, first_agreed=True, reviewed_months=[3, 6, 9], today=date(2026, 11, 1)
    )
    assert (nxt.month, nxt.due_on, nxt.status) == (12, date(2027, 1, 31), "upcoming")
    missed = next_review(
        started_on=start, first_agreed=True, reviewed_months=[3], today=date(2026, 11, 1)
    )
    assert (missed.month, missed.due_on, missed.status) == (6, date(2026, 7, 31), "overdue")


def test_review_status_boundaries():
    due = date(2026, 6, 30)
    assert review_status(due, date(2026, 6, 15)) == "upcoming"
    assert review_status(due, date(2026, 6, 16)) == "due"
    assert review_status(due, date(2026, 7, 1)) == "overdue"
