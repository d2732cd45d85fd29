"""Synthetic demo data: a municipality, two teams and a year of plausible history.

Other apps add their part by registering a function in their own `demo` module; `seed_demo`
discovers those modules by name, so the core imports no feature app.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from outreach.models import (
    AgencyRequest,
    Client,
    CoerciveMeasure,
    Consent,
    ConsentScope,
    Contact,
    Crisis,
    DocumentStatus,
    Episode,
    HospitalStay,
    Housing,
    IncomeStatus,
    Intervention,
    Milestone,
    Municipality,
    Relapse,
    Role,
    Sex,
    SupportPerson,
    Tandem,
    Team,
    User,
)
from outreach.origin import Origin

DEMO_PASSWORD = "outreach-demo-2026"  # noqa: S105 - synthetic demo accounts, printed for the user

GIVEN_F = [
    "Мария",
    "Елена",
    "Иванка",
    "Петя",
    "Десислава",
    "Гергана",
    "Надежда",
    "Румяна",
    "Цветелина",
    "Силвия",
    "Анна",
    "Виолета",
]
GIVEN_M = [
    "Иван",
    "Георги",
    "Димитър",
    "Николай",
    "Стефан",
    "Христо",
    "Васил",
    "Петър",
    "Тодор",
    "Асен",
    "Красимир",
    "Любомир",
]
FAMILY = [
    "Иванов",
    "Петров",
    "Георгиев",
    "Димитров",
    "Николов",
    "Стоянов",
    "Тодоров",
    "Христов",
    "Василев",
    "Маринов",
    "Колев",
    "Ангелов",
    "Попов",
    "Илиев",
]
PLACES = [
    "under the bridge at Lavov most",
    "Central station, east entrance",
    "Shelter on Bratya Miladinovi st.",
    "Park near NDK",
    "With his sister in Lyulin",
    "Day centre Vazrazhdane",
    "Rented room in Nadezhda",
]
AGENCIES = [
    "Social Assistance Directorate Sredets",
    "Municipal housing office",
    "GP Dr. Petrova",
    "State Psychiatric Hospital Kurilo",
    "Civil registration office",
    "Labour office",
]


@dataclass
class DemoContext:
    """What the core seeded, for other apps' demo functions to build on."""

    rng: random.Random
    today: date
    municipality: Municipality
    teams: list[Team]
    users: dict[str, User]
    clients: list[Client] = field(default_factory=list)
    # Demo writes are audited as the seed command's, not as a page's.
    origin: Origin = field(default_factory=lambda: Origin.system("seed_demo"))


_EXTENSIONS: list[Callable[[DemoContext], None]] = []


def register(fn: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
    """Register an app's demo seeding function (called after the core is seeded)."""
    if fn not in _EXTENSIONS:
        _EXTENSIONS.append(fn)
    return fn


def extensions() -> list[Callable[[DemoContext], None]]:
    return list(_EXTENSIONS)


def _user(username: str, first: str, last: str, role: str, **extra) -> User:
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        role=role,
        email=f"{username}@demo.invalid",
        **extra,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _local_dt(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_core(*, seed: int = 2026, today: date | None = None) -> DemoContext:
    """Create the demo municipality, teams, staff, clients and a year of history."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = today or timezone.localdate()
    sofia = Municipality.objects.create(name="София", slug="sofia")
    teams = [
        Team.objects.create(municipality=sofia, name="Екип Център", slug="sofia-centre"),
        Team.objects.create(municipality=sofia, name="Екип Люлин", slug="sofia-lyulin"),
    ]
    users: dict[str, User] = {
        "worker": _user("worker", "Ана", "Стоянова", Role.PROFESSIONAL),
        "peer": _user("peer", "Борис", "Колев", Role.PEER),
        "supervisor": _user("supervisor", "Вера", "Маринова", Role.SUPERVISOR),
        "coordinator": _user("coordinator", "Галя", "Илиева", Role.COORDINATOR, municipality=sofia),
        "partner": _user(
            "partner",
            "Даниел",
            "Попов",
            Role.PARTNER,
            municipality=sofia,
            organisation="Social Assistance Directorate Sredets",
        ),
        "admin": _user("admin", "Емил", "Ангелов", Role.ADMIN, is_staff=True, is_superuser=True),
    }
    users["worker"].teams.add(teams[0])
    users["peer"].teams.add(teams[0])
    users["supervisor"].teams.add(*teams)
    tandems: dict[int, list[Tandem]] = {}
    extra_staff = [
        ("worker2", "Жана", "Николова", Role.PROFESSIONAL, 0),
        ("peer2", "Зорница", "Петрова", Role.PEER, 0),
        ("worker3", "Илия", "Тодоров", Role.PROFESSIONAL, 1),
        ("peer3", "Йоана", "Христова", Role.PEER, 1),
        ("worker4", "Калин", "Василев", Role.PROFESSIONAL, 1),
        ("peer4", "Лора", "Георгиева", Role.PEER, 1),
    ]
    for username, first, last, role, team_index in extra_staff:
        u = _user(username, first, last, role)
        u.teams.add(teams[team_index])
        users[username] = u
    start = today - timedelta(days=400)
    tandems[0] = [
        Tandem.objects.create(
            team=teams[0], professional=users["worker"], peer=users["peer"], started_on=start
        ),
        Tandem.objects.create(
            team=teams[0], professional=users["worker2"], peer=users["peer2"], started_on=start
        ),
    ]
    tandems[1] = [
        Tandem.objects.create(
            team=teams[1], professional=users["worker3"], peer=users["peer3"], started_on=start
        ),
        Tandem.objects.create(
            team=teams[1], professional=users["worker4"], peer=users["peer4"], started_on=start
        ),
    ]
    ctx = DemoContext(rng=rng, today=today, municipality=sofia, teams=teams, users=users)
    interventions = list(Intervention.objects.filter(active=True))
    contacts: list[Contact] = []
    for team_index, team in enumerate(teams):
        for n in range(45):
            ctx.clients.append(_seed_client(ctx, team, tandems[team_index][n % 2], n, contacts))
    Contact.objects.bulk_create(contacts, batch_size=1000)
    # Staff present and interventions: the tandem at most contacts, sometimes one worker alone.
    staff_links = []
    iv_links = []
    StaffLink = Contact.staff.through
    IvLink = Contact.interventions.through
    for contact in contacts:
        tandem = contact.client.tandem
        members = (
            [tandem.professional_id, tandem.peer_id]
            if rng.random() < 0.6
            else [rng.choice([tandem.professional_id, tandem.peer_id])]
        )
        staff_links.extend(StaffLink(contact_id=contact.pk, user_id=m) for m in members)
        if contact.outcome == Contact.Outcome.MET and interventions:
            for iv in rng.sample(interventions, k=rng.randint(1, 2)):
                iv_links.append(IvLink(contact_id=contact.pk, intervention_id=iv.pk))
    StaffLink.objects.bulk_create(staff_links, batch_size=2000)
    IvLink.objects.bulk_create(iv_links, batch_size=2000)
    return ctx


def _seed_client(
    ctx: DemoContext, team: Team, tandem: Tandem, n: int, contacts: list[Contact]
) -> Client:
    rng, today = ctx.rng, ctx.today
    female = rng.random() < 0.42
    family = rng.choice(FAMILY) + ("а" if female else "")
    client = Client.objects.create(
        team=team,
        tandem=tandem,
        given_name=rng.choice(GIVEN_F if female else GIVEN_M),
        family_name=family,
        birth_date=date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.9
        else None,
        sex=Sex.FEMALE if female else (Sex.MALE if rng.random() < 0.97 else Sex.OTHER),
        phone=f"+359 88 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        if rng.random() < 0.5
        else "",
        whereabouts=rng.choice(PLACES),
        housing=rng.choice(
            [
                Housing.HOMELESS_STREET,
                Housing.SHELTER,
                Housing.TEMPORARY,
                Housing.RENTED,
                Housing.UNKNOWN,
            ]
        ),
        documents=rng.choice([DocumentStatus.NONE, DocumentStatus.EXPIRED, DocumentStatus.VALID]),
        income=rng.choice([IncomeStatus.NONE, IncomeStatus.BENEFITS, IncomeStatus.UNKNOWN]),
        preferred_language="bg" if rng.random() < 0.9 else "en",
        interpreter_needed=rng.random() < 0.05,
        interpreter_language="Romani" if rng.random() < 0.5 else "",
    )
    # Most are in care; a few ended, a few are still being engaged (no episode yet).
    started = today - timedelta(days=rng.randint(20, 330))
    in_engagement = n % 15 == 14
    ended_on = None
    if not in_engagement:
        ended = n % 9 == 8
        ended_on = min(today, started + timedelta(days=rng.randint(90, 270))) if ended else None
        Episode.objects.create(
            client=client,
            tandem=tandem,
            started_on=started,
            ended_on=ended_on,
            discharge_reason=rng.choice(["goals_met", "client_ended", "moved_away", "transferred"])
            if ended_on
            else "",
        )
    first_day = started - timedelta(days=rng.randint(5, 40))
    last_day = min(ended_on or today, today - timedelta(days=1))
    # Someone is always "not seen for a while": stop the history early for a few clients.
    if n % 7 == 3:
        last_day = today - timedelta(days=rng.randint(15, 45))
    day = first_day
    while day <= last_day:
        met = rng.random() < (0.55 if day < started else 0.85)
        face = rng.random() < 0.8
        contacts.append(
            Contact(
                client=client,
                author=tandem.professional if rng.random() < 0.5 else tandem.peer,
                started_at=_local_dt(day, rng.randint(8, 18), rng.choice([0, 15, 30, 45])),
                duration_minutes=rng.choice([10, 20, 30, 45, 60, 90])
                if met
                else rng.choice([5, 10, 15]),
                mode=Contact.Mode.FACE_TO_FACE
                if face
                else rng.choice([Contact.Mode.PHONE, Contact.Mode.MESSAGE]),
                location=rng.choice(
                    ["street", "client_home", "team_office", "other_service", "hospital"]
                )
                if face
                else "",
                outcome=Contact.Outcome.MET if met else Contact.Outcome.NOT_MET,
                failure_reason="" if met else rng.choice(["not_found", "refused", "walked_away"]),
                informal_support_present=met and rng.random() < 0.1,
                note="",
            )
        )
        day += timedelta(days=rng.randint(2, 9))
    # The support network, including someone the client does not want contacted.
    SupportPerson.objects.create(
        client=client,
        name=f"{rng.choice(GIVEN_F)} {family}",
        relation=SupportPerson.Relation.FAMILY,
        relation_detail="sister",
        phone="+359 87 000 0000",
    )
    if n % 6 == 0:
        SupportPerson.objects.create(
            client=client,
            name=f"{rng.choice(GIVEN_M)} {rng.choice(FAMILY)}",
            relation=SupportPerson.Relation.OTHER,
            relation_detail="former partner",
            involvement=SupportPerson.Involvement.DO_NOT_CONTACT,
        )
    if n % 3 == 0:
        Consent.objects.create(
            client=client,
            recipient=rng.choice(AGENCIES),
            scope=ConsentScope.CRISIS_SHEET,
            given_on=started,
        )
    # Pre-intake baseline and events during care.
    if rng.random() < 0.5:
        adm = started - timedelta(days=rng.randint(30, 330))
        HospitalStay.objects.create(
            client=client,
            admitted_on=adm,
            discharged_on=adm + timedelta(days=rng.randint(5, 40)),
            legal_status=rng.choice(["voluntary", "involuntary"]),
            hospital="State Psychiatric Hospital Kurilo",
            pre_intake=True,
        )
    if not in_engagement and rng.random() < 0.25:
        adm = started + timedelta(days=rng.randint(10, max(11, (last_day - started).days)))
        if adm <= today:
            HospitalStay.objects.create(
                client=client,
                admitted_on=adm,
                discharged_on=min(today, adm + timedelta(days=rng.randint(3, 25)))
                if rng.random() < 0.8
                else None,
                legal_status=rng.choice(["voluntary", "involuntary"]),
                hospital="UMBAL Aleksandrovska",
            )
            if rng.random() < 0.4:
                CoerciveMeasure.objects.create(
                    client=client,
                    started_at=_local_dt(adm, 14),
                    kind=rng.choice(["seclusion", "mechanical_restraint", "forced_medication"]),
                    debriefed_on=adm + timedelta(days=rng.randint(3, 20))
                    if adm + timedelta(days=20) <= today
                    else None,
                )
    if not in_engagement and rng.random() < 0.3:
        onset = started + timedelta(days=rng.randint(10, max(11, (last_day - started).days)))
        if onset <= today:
            Relapse.objects.create(
                client=client, onset_on=onset, signs="sleeping badly, stopped eating"
            )
            reported = _local_dt(onset, rng.randint(8, 20))
            Crisis.objects.create(
                client=client,
                reported_at=reported,
                first_response_at=reported + timedelta(hours=rng.choice([1, 2, 4, 20]))
                if rng.random() < 0.9
                else None,
                outcome="stabilised at home",
            )
    if not in_engagement and rng.random() < 0.5:
        sent = started + timedelta(days=rng.randint(5, 60))
        if sent <= today:
            responded = sent + timedelta(days=rng.randint(3, 50))
            AgencyRequest.objects.create(
                client=client,
                agency=rng.choice(AGENCIES),
                request="appointment for documents",
                sent_on=sent,
                responded_on=responded if responded <= today and rng.random() < 0.7 else None,
            )
    if not in_engagement and rng.random() < 0.35:
        achieved = started + timedelta(days=rng.randint(30, 200))
        if achieved <= today:
            Milestone.objects.create(
                client=client,
                kind=rng.choice(["id_document", "benefits", "housing", "family_reconnected"]),
                achieved_on=achieved,
            )
    return client
