"""Demo referrals for `seed_demo`: about thirty, some decided, some waiting, some by `partner`."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from outreach import demo
from outreach.models import Sex
from referrals.models import CriteriaVersion, Referral, ReferralScore, Source, Status
from referrals.services import duplicate_checks_open, score_answers

REASONS = [
    "Stopped taking medication after discharge; lives rough near the station.",
    "Two involuntary admissions this year; no contact with the outpatient clinic.",
    "Neighbours report shouting at night; landlord threatens eviction.",
    "No identity card, no income; sleeps in the shelter when there is a place.",
    "Mother (82) can no longer cope; he refuses to leave the flat.",
    "Hears voices, drinks daily; lost her job and her room.",
]
DECLINE_REASONS = [
    "Main need is housing only; referred to the municipal housing office.",
    "Lives outside the area the teams serve; passed to the Plovdiv team.",
    "Already in care with the day centre; agreed with the referrer.",
]


def _answers(rng) -> dict[str, str]:
    yes_no = lambda p: "yes" if rng.random() < p else "no"  # noqa: E731
    return {
        "adult": "yes",
        "severe_mental_illness": "yes" if rng.random() < 0.9 else "no",
        "outside_area": yes_no(0.05),
        "no_income": yes_no(0.6),
        "no_documents": yes_no(0.4),
        "housing": rng.choice(["street", "shelter", "unstable", "stable"]),
        "no_close_relatives": yes_no(0.5),
        "admissions": rng.choice(["none", "one", "frequent", "involuntary"]),
        "hard_to_engage": yes_no(0.7),
        "substance_use": yes_no(0.35),
        "eviction_risk": rng.choice(["yes", "no", ""]),
        "children_at_home": yes_no(0.1),
    }


@demo.register
def seed_referrals(ctx: demo.DemoContext) -> None:
    """Create ~30 plausible referrals: accepted (linked to clients), declined, waiting, open."""
    rng, today = ctx.rng, ctx.today
    coordinator = ctx.users["coordinator"]
    partner = ctx.users["partner"]
    version = (
        CriteriaVersion.objects.filter(municipality__isnull=True, active=True)
        .order_by("-version")
        .first()
    )

    def at(day: date, hour: int):
        return demo._local_dt(day, hour, rng.choice([0, 15, 30, 45]))

    def make(status: str, days_ago: int, *, client=None, team=None, by_partner=False, **extra):
        female = rng.random() < 0.45
        # Never later than the moment of seeding: a referral "received later today" would be a
        # record from the future.
        received = min(
            at(today - timedelta(days=days_ago), rng.randint(8, 16)),
            timezone.now() - timedelta(minutes=rng.randint(5, 90)),
        )
        person = {
            "given_name": rng.choice(demo.GIVEN_F if female else demo.GIVEN_M),
            "family_name": rng.choice(demo.FAMILY) + ("а" if female else ""),
            "sex": Sex.FEMALE if female else Sex.MALE,
        }
        if client is not None:
            person = {
                "given_name": client.given_name,
                "family_name": client.family_name,
                "sex": client.sex,
                "birth_date": client.birth_date,
            }
        elif "phone" in extra:
            # Only a phone number is known.
            person = {"sex": Sex.UNKNOWN}
        elif rng.random() < 0.6:
            person["birth_date"] = date(rng.randint(1950, 2005), rng.randint(1, 12), 10)
        elif rng.random() < 0.7:
            person["approximate_age"] = rng.randint(20, 70)
        referral = Referral(
            municipality=ctx.municipality,
            submitted_by=partner if by_partner else None,
            received_at=received,
            source=Source.SOCIAL_SERVICES
            if by_partner
            else rng.choice([Source.HOSPITAL, Source.GP, Source.NGO, Source.FAMILY, Source.SELF]),
            source_organisation=partner.organisation if by_partner else "",
            whereabouts=rng.choice(demo.PLACES),
            reasons=rng.choice(REASONS),
            urgent=rng.random() < 0.15,
            person_knows=rng.random() < 0.7,
            person_agrees=rng.random() < 0.5,
            status=status,
            client=client,
            team=team,
            **person,
            **extra,
        )
        if status not in (Status.RECEIVED, Status.WITHDRAWN):
            referral.decided_by = coordinator if status != Status.SCREENING else None
        if status in (Status.ACCEPTED, Status.DECLINED, Status.WAITLISTED, Status.WITHDRAWN):
            referral.decided_at = min(received + timedelta(days=rng.randint(1, 12)), at(today, 7))
            referral.decided_by = coordinator
        if status == Status.WAITLISTED:
            referral.waitlisted_at = referral.decided_at
        referral.save()
        if version is not None and status != Status.RECEIVED and status != Status.WITHDRAWN:
            answers = _answers(rng)
            if status in (Status.ACCEPTED, Status.WAITLISTED):
                answers.update(severe_mental_illness="yes", outside_area="no")
            score, eligible, explanation = score_answers(version=version, answers=answers)
            ReferralScore.objects.create(
                referral=referral,
                version=version,
                answers=answers,
                score=score,
                eligible=eligible,
                explanation=explanation,
                scored_by=coordinator,
            )
            Referral.objects.filter(pk=referral.pk).update(
                answers=answers, score=score, eligible=eligible, criteria_version=version
            )
        return referral

    # Accepted: the referrals behind some of the clients in care, a few days before their episode.
    accepted = 0
    for client in ctx.clients:
        episode = client.episodes.order_by("-started_on").first()
        if episode is None or (today - episode.started_on).days > 300 or accepted >= 10:
            continue
        days_ago = (today - episode.started_on).days + rng.randint(2, 14)
        referral = make(
            Status.ACCEPTED, days_ago, client=client, team=client.team, by_partner=accepted % 3 == 0
        )
        Referral.objects.filter(pk=referral.pk).update(
            decided_at=demo._local_dt(episode.started_on, 9)
        )
        accepted += 1
    for n in range(4):
        make(
            Status.DECLINED,
            rng.randint(20, 200),
            by_partner=n < 2,
            decision_reason=DECLINE_REASONS[n % len(DECLINE_REASONS)],
        )
    for n in range(5):
        make(Status.WAITLISTED, rng.randint(15, 90), team=ctx.teams[n % 2], by_partner=n == 0)
    for n in range(4):
        make(Status.SCREENING, rng.randint(2, 12), by_partner=n % 2 == 0)
    for n in range(6):
        make(Status.RECEIVED, rng.randint(0, 6), by_partner=n < 3)
    make(Status.WITHDRAWN, 40, decision_reason="The person moved to Varna.")
    # A partner's referral with only a phone number, which is that of a client in care: the
    # coordinator is told that a check is pending, the team's supervisor answers it.
    in_care = [c for c in ctx.clients if c.phone and c.episodes.filter(ended_on__isnull=True)]
    if in_care:
        known = rng.choice(in_care)
        make(
            Status.RECEIVED,
            1,
            by_partner=True,
            # Typed as a local number: the matcher compares the last nine digits.
            phone="0" + "".join(ch for ch in known.phone if ch.isdigit())[-9:],
        )
    # As if submitted through the service: each team with a possible duplicate is asked.
    for referral in Referral.objects.filter(
        municipality=ctx.municipality, status__in=(Status.RECEIVED, Status.SCREENING)
    ):
        duplicate_checks_open(referral=referral, actor=referral.submitted_by, origin=ctx.origin)
