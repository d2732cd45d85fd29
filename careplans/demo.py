"""Demo care plans: a few versions, goals with actions, advance statements and agreements."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from careplans import services
from careplans.models import CarePlan, Goal, PlanSignoff
from outreach import demo
from outreach.dates import add_months
from outreach.models import Episode, SupportPerson

WHAT_MATTERS = [
    "Да имам собствено място и да не спя на улицата.",
    "Искам пак да виждам дъщеря си.",
    "Да не ме затварят в болница против волята ми.",
    "Да си намеря работа, каквато и да е.",
    "Искам спокойствие и хора, които не ме съдят.",
]
GOALS = [
    ("housing", "Стая под наем до зимата", "Отиваме заедно в общинското жилищно бюро"),
    ("documents", "Нова лична карта", "Снимки и заявление в МВР"),
    ("income", "Да получавам помощи", "Подаваме документи в Дирекция „Социално подпомагане“"),
    ("physical", "Да ми оправят зъбите", "Записваме час при зъболекар"),
    ("relationships", "Да се видя с дъщеря си", "Звъня на сестра си да уреди среща"),
    ("work", "Да работя по няколко часа", "Питаме в Бюрото по труда"),
]


@demo.register
def seed_careplans(ctx: demo.DemoContext) -> None:
    """Plans for most clients with an open episode, reviewed on time for most of them."""
    rng = ctx.rng
    episodes = (
        Episode.objects.filter(ended_on__isnull=True, client__in=[c.pk for c in ctx.clients])
        .select_related("client__tandem__professional", "client__tandem__peer", "client__team")
        .order_by("pk")
    )
    for n, episode in enumerate(episodes):
        client = episode.client
        tandem = client.tandem
        if tandem is None or n % 6 == 5 or CarePlan.objects.filter(episode=episode).exists():
            continue  # some clients are still in engagement: no plan yet
        worker, peer = tandem.professional, tandem.peer
        plan = services.careplan_create(
            episode=episode,
            author=worker,
            what_matters=WHAT_MATTERS[n % len(WHAT_MATTERS)],
            contributors=["client", "tandem"],
            origin=ctx.origin,
        )
        for domain, words, action in rng.sample(GOALS, 2):
            plan.refresh_from_db()
            goal = services.goal_save(
                careplan=plan,
                author=peer,
                expected_version=plan.version,
                domain=domain,
                in_their_words=words,
                origin=ctx.origin,
            )
            plan.refresh_from_db()
            services.action_add(
                goal=goal,
                author=worker,
                expected_version=plan.version,
                what=action,
                who="tandem",
                staff=rng.choice([worker, peer]),
                due_on=ctx.today + timedelta(days=rng.randint(7, 60)),
                origin=ctx.origin,
            )
        people = list(client.support_people.all())
        plan.refresh_from_db()
        services.advance_statement_save(
            careplan=plan,
            author=worker,
            expected_version=plan.version,
            crisis_contacts=[p for p in people if not p.do_not_contact][:1],
            early_signs="Спира да спи, говори бързо, не се храни.",
            what_helps="Тиха стая, разходка, разговор с позната жена от екипа.",
            what_does_not_help="Викане, полиция, да ме държат.",
            treatment_preferences="Без инжекции, ако е възможно.",
            refused_hospitals="Курило",
            not_to_contact_note=(
                "Не искам да се обаждате на него, дори ако е в болницата."
                if any(p.involvement == SupportPerson.Involvement.DO_NOT_CONTACT for p in people)
                else ""
            ),
            origin=ctx.origin,
        )
        plan.refresh_from_db()
        agreed_on = min(ctx.today, episode.started_on + timedelta(days=rng.randint(5, 25)))
        written_on = min(agreed_on, episode.started_on + timedelta(days=rng.randint(1, 4)))
        days = [(plan.version, written_on)]  # (last version of a step, the day of that step)
        if n % 8 == 7:
            _date_versions(plan, days)
            continue  # written but not signed yet
        services.careplan_sign(
            careplan=plan, user=worker, plan_version=plan.version, origin=ctx.origin
        )
        services.careplan_sign(
            careplan=plan, user=peer, plan_version=plan.version, origin=ctx.origin
        )
        answer = "disagree" if n % 11 == 5 else "agree"
        services.careplan_respond(
            careplan=plan,
            author=worker,
            plan_version=plan.version,
            answer=answer,
            in_their_words="Не съм съгласна с лекарствата." if answer == "disagree" else "",
            responded_on=agreed_on,
            origin=ctx.origin,
        )
        days.append((plan.version, agreed_on))
        if answer != "agree":
            _date_versions(plan, days)
            continue
        # Reviews every third month; for some clients the latest one is late (it shows as due).
        months = 3
        while (held_on := add_months(episode.started_on, months)) <= ctx.today - timedelta(days=10):
            if n % 5 == 4 and add_months(episode.started_on, months + 3) > ctx.today:
                break
            held_on = min(ctx.today, held_on + timedelta(days=rng.randint(0, 6)))
            plan.refresh_from_db()
            goal = plan.goals.first()
            services.review_record(
                careplan=plan,
                author=worker,
                expected_version=plan.version,
                held_on=held_on,
                what_changed="Намерихме стая; документите са подадени.",
                goal_progress="Напредък по жилището.",
                goal_statuses={goal.pk: Goal.Status.PROGRESS} if goal else {},
                origin=ctx.origin,
            )
            plan.refresh_from_db()
            services.careplan_sign(
                careplan=plan, user=worker, plan_version=plan.version, origin=ctx.origin
            )
            services.careplan_sign(
                careplan=plan, user=peer, plan_version=plan.version, origin=ctx.origin
            )
            services.careplan_respond(
                careplan=plan,
                author=peer,
                plan_version=plan.version,
                answer="agree",
                in_their_words="Да.",
                responded_on=held_on,
                origin=ctx.origin,
            )
            if months == 3:
                services.comment_add(
                    careplan=plan,
                    author=peer,
                    plan_version=plan.version,
                    text="Радвам се, че имам стая.",
                    made_on=held_on,
                    origin=ctx.origin,
                )
            plan.refresh_from_db()
            days.append((plan.version, held_on))
            months += 3
        _date_versions(plan, days)


def _date_versions(plan: CarePlan, days: list[tuple[int, date]]) -> None:
    """Date the demo plan's versions and sign-offs on the days they were made, not today.

    The demo writes a year of plans in a minute; a real team's plan has a first version in
    the first days of care and one version per review.
    """
    tz = timezone.get_current_timezone()

    def day_of(version: int) -> date:
        return next((day for last, day in days if version <= last), days[-1][1])

    history = list(plan.history.order_by("history_id").values_list("history_id", "version"))
    when = None
    for i, (history_id, version) in enumerate(history):
        when = datetime.combine(day_of(version), time(10, 0), tz) + timedelta(minutes=3 * i)
        plan.history.model.objects.filter(history_id=history_id).update(history_date=when)
    for signoff in PlanSignoff.objects.filter(careplan=plan):
        signed = datetime.combine(day_of(signoff.plan_version), time(15, 0), tz)
        PlanSignoff.objects.filter(pk=signoff.pk).update(signed_at=signed)
    if when is not None:
        CarePlan.objects.filter(pk=plan.pk).update(updated_at=when)


# Assessments have their own demo module; importing it registers its seeding function.
from careplans.assessments import demo as demo_assessments  # noqa: E402, F401
