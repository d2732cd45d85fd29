"""The client's copy of their record (GDPR Art. 15 and 20): a readable PDF and a JSON file.

The rows come from the same walk over relations as the erasure (`erasure.plan_for`), so the
copy holds every row the erasure would blank; `SECTIONS` gives each model a title and a place.
A model that refers to a client and has no section makes `copy_build` fail (and its test), so a
new table cannot be left out of the copy without anyone noticing.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach import audit, erasure
from outreach.models import AuditEvent, Client, ClientExport, Role, User
from outreach.origin import Origin
from outreach.pdf import html_to_pdf

logger = logging.getLogger(__name__)

FORMAT = "outreach-client-copy"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Section:
    """One part of the copy: the rows of one model, under a title."""

    key: str
    title: Any
    label: str  # "app_label.ModelName"
    # Only these fields (None: every field but keys and internal ones).
    fields: tuple[str, ...] | None = None


# The order of the copy. History tables hold every earlier version of the plan.
SECTIONS: tuple[Section, ...] = (
    Section("record", gettext_lazy("Your record"), "outreach.Client"),
    Section("episodes", gettext_lazy("Periods of care"), "outreach.Episode"),
    Section("discharges", gettext_lazy("Discharges and handovers"), "outreach.Discharge"),
    Section("support_people", gettext_lazy("People who support you"), "outreach.SupportPerson"),
    Section("consents", gettext_lazy("Your consents to share"), "outreach.Consent"),
    Section("contacts", gettext_lazy("Contacts with the team"), "outreach.Contact"),
    Section("planned_visits", gettext_lazy("Visits the team planned"), "outreach.PlannedVisit"),
    Section("crises", gettext_lazy("Crises"), "outreach.Crisis"),
    Section("relapses", gettext_lazy("Relapses"), "outreach.Relapse"),
    Section("hospital_stays", gettext_lazy("Hospital stays"), "outreach.HospitalStay"),
    Section("coercive_measures", gettext_lazy("Coercive measures"), "outreach.CoerciveMeasure"),
    Section("debriefs", gettext_lazy("Debriefs after coercive measures"), "outreach.Debrief"),
    Section("adverse_events", gettext_lazy("Adverse events"), "outreach.AdverseEvent"),
    Section("milestones", gettext_lazy("Milestones"), "outreach.Milestone"),
    Section(
        "living_situation", gettext_lazy("Your living situation over time"), "outreach.LivingStatus"
    ),
    Section("carers", gettext_lazy("People who care for you"), "outreach.Carer"),
    Section(
        "carer_reviews", gettext_lazy("Reviews of your carers' needs"), "outreach.CarerNeedsReview"
    ),
    Section("spending", gettext_lazy("Money spent for you"), "outreach.Spending"),
    Section("agencies", gettext_lazy("Agencies involved"), "outreach.CaseAgency"),
    Section("agency_requests", gettext_lazy("Requests to agencies"), "outreach.AgencyRequest"),
    Section("responsibilities", gettext_lazy("Who does what"), "outreach.Responsibility"),
    Section("conferences", gettext_lazy("Case conferences"), "outreach.CaseConference"),
    Section(
        "follow_ups", gettext_lazy("Actions agreed at case conferences"), "outreach.FollowUpAction"
    ),
    Section(
        "risk_assessments",
        gettext_lazy("Risk assessments and plans"),
        "outreach.RiskAssessment",
    ),
    Section("risk_domains", gettext_lazy("Risk plan: each area"), "outreach.RiskDomain"),
    Section(
        "supported_decisions",
        gettext_lazy("Decisions you made with support"),
        "outreach.SupportedDecision",
    ),
    Section("guardianship", gettext_lazy("Guardianship"), "outreach.GuardianshipStatus"),
    Section("complaints", gettext_lazy("Your complaints"), "outreach.Complaint"),
    Section("care_plans", gettext_lazy("Your care plan"), "careplans.CarePlan"),
    Section("goals", gettext_lazy("Goals"), "careplans.Goal"),
    Section("actions", gettext_lazy("Actions for the goals"), "careplans.Action"),
    Section("advance_statements", gettext_lazy("Advance statement"), "careplans.AdvanceStatement"),
    Section("plan_agreements", gettext_lazy("Plan agreements"), "careplans.PlanAgreement"),
    Section("plan_signoffs", gettext_lazy("Sign-offs of the plan"), "careplans.PlanSignoff"),
    Section(
        "plan_responses", gettext_lazy("Your answers about the plan"), "careplans.ClientResponse"
    ),
    Section("plan_comments", gettext_lazy("Comments on the plan"), "careplans.PlanComment"),
    Section("plan_reviews", gettext_lazy("Reviews of the plan"), "careplans.PlanReview"),
    Section(
        "crisis_sheet_shares", gettext_lazy("Crisis sheet shared"), "careplans.CrisisSheetShare"
    ),
    Section(
        "plan_versions",
        gettext_lazy("Every version of the care plan"),
        "careplans.HistoricalCarePlan",
    ),
    Section(
        "goal_versions", gettext_lazy("Every version of the goals"), "careplans.HistoricalGoal"
    ),
    Section(
        "action_versions",
        gettext_lazy("Every version of the actions"),
        "careplans.HistoricalAction",
    ),
    Section(
        "advance_statement_versions",
        gettext_lazy("Every version of the advance statement"),
        "careplans.HistoricalAdvanceStatement",
    ),
    Section("assessments", gettext_lazy("Assessments"), "careplans.Assessment"),
    Section(
        "carer_assessments",
        gettext_lazy("Your carers' own assessments"),
        "careplans.CarerAssessment",
    ),
    Section("referrals", gettext_lazy("Referrals to the team"), "referrals.Referral"),
    Section(
        "referral_scores", gettext_lazy("How the referral was assessed"), "referrals.ReferralScore"
    ),
    Section(
        "duplicate_checks", gettext_lazy("Checks for a double record"), "referrals.DuplicateCheck"
    ),
    Section(
        "emergency_access",
        gettext_lazy("Emergency access to your record by another team"),
        "outreach.EmergencyAccess",
    ),
    Section(
        "access",
        gettext_lazy("Who opened or changed your record"),
        "outreach.AuditEvent",
        fields=("at", "actor_username", "actor_role", "action", "object_type"),
    ),
)

# Tables reached from a client that are not content of the record: the copies themselves.
NOT_IN_COPY = frozenset({"outreach.ClientExport"})

# Never in the copy: keys, import references of other systems, what the copy is about.
HIDDEN = frozenset({"id", "history_id", "client", "anonymised_at", "source_ref"})


class CopyGone(Exception):
    """The copy was downloaded already (or failed): it is no longer held."""


@dataclass
class Built:
    sections: list[dict[str, Any]] = field(default_factory=list)


def missing_sections() -> list[str]:
    """Models that hold a client's data and have no section of the copy (should be empty)."""
    have = {s.label for s in SECTIONS}
    out = []
    for model in erasure.client_tables():
        if model._meta.auto_created:
            continue  # a many-to-many table: shown as a list in its model's section
        label = model._meta.label
        if label not in have and label not in NOT_IN_COPY:
            out.append(label)
    return sorted(out)


@transaction.atomic
def copy_request(*, client: Client, actor: User, language: str, origin: Origin) -> ClientExport:
    """Queue the making of the client's copy for the person who asks for it."""
    from outreach import tasks  # the task module imports this one

    if client.anonymised_at is not None:
        raise ValidationError(_("This record has been anonymised."), code="erased")
    export = ClientExport.objects.create(client=client, requested_by=actor, language=language)
    audit.record(
        origin=origin,
        actor=actor,
        action="client.copy_request",
        target=export,
        client=client,
        detail={"language": language},
    )
    transaction.on_commit(lambda: _send(tasks.client_copy_build, export.pk))
    return export


def _send(task, export_id: int) -> None:
    """Queue the copy; with the broker down the request is marked failed (ask again), never a
    500 page after the request was saved."""
    from kombu.exceptions import OperationalError as BrokerDown

    try:
        task.delay(export_id)
    except BrokerDown as exc:
        logger.warning(
            "client copy not queued", extra={"export_id": export_id, "error": type(exc).__name__}
        )
        ClientExport.objects.filter(pk=export_id, status=ClientExport.Status.QUEUED).update(
            status=ClientExport.Status.FAILED
        )


def copy_build(*, export_id: int) -> ClientExport:
    """Make the PDF and the JSON of one requested copy, showing progress as it goes."""
    export = ClientExport.objects.select_related("client", "requested_by").get(pk=export_id)
    if export.status not in {ClientExport.Status.QUEUED, ClientExport.Status.RUNNING}:
        return export  # run twice: one result
    rows = ClientExport.objects.filter(pk=export.pk)
    rows.update(status=ClientExport.Status.RUNNING, progress=1)
    try:
        with translation.override(export.language):
            built = _collect(export, progress=lambda p: rows.update(progress=p))
            archive = _archive(export, built)
    except Exception:
        # Not over a copy that another run of the task made meanwhile.
        rows.filter(status=ClientExport.Status.RUNNING).update(
            status=ClientExport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        # A message given out again while this run was still going (a worker thought lost)
        # makes two runs at once: the first to get here marks the copy ready, the other keeps it.
        (status,) = rows.select_for_update().values_list("status", flat=True)
        if status not in {ClientExport.Status.QUEUED, ClientExport.Status.RUNNING}:
            export.refresh_from_db()
            return export
        rows.update(
            status=ClientExport.Status.READY,
            progress=100,
            archive=archive,
            finished_at=timezone.now(),
        )
        audit.record(
            origin=Origin.system("client_copy_build"),
            actor=export.requested_by,
            action="client.copy_ready",
            target=export,
            client=export.client,
            detail={"sections": [s["key"] for s in built.sections if s["rows"]]},
        )
    export.refresh_from_db()
    return export


@transaction.atomic
def copy_download(*, export: ClientExport, actor: User, origin: Origin) -> tuple[str, bytes]:
    """Hand the copy over once, to the person who asked for it, and drop it."""
    export = ClientExport.objects.select_for_update().select_related("client").get(pk=export.pk)
    if export.requested_by_id != actor.pk:
        raise PermissionError("only the requester downloads a copy")
    if export.status != ClientExport.Status.READY or export.archive is None:
        raise CopyGone
    data = bytes(export.archive)
    ClientExport.objects.filter(pk=export.pk).update(
        status=ClientExport.Status.DOWNLOADED, archive=None, downloaded_at=timezone.now()
    )
    audit.record(
        origin=origin,
        actor=actor,
        action="client.copy_download",
        target=export,
        client=export.client,
    )
    return f"{export.client.code}-copy.zip", data


def copies_expire(*, origin: Origin) -> int:
    """Drop the copies nobody downloaded within OUTREACH_COPY_KEEP_DAYS; return how many."""
    cutoff = timezone.now() - timedelta(days=settings.OUTREACH_COPY_KEEP_DAYS)
    stale = ClientExport.objects.filter(
        status__in=[ClientExport.Status.READY, ClientExport.Status.FAILED],
        requested_at__lt=cutoff,
    ).filter(archive__isnull=False)
    done = 0
    for export in stale.defer("archive"):
        with transaction.atomic():
            ClientExport.objects.filter(pk=export.pk).update(
                status=ClientExport.Status.EXPIRED, archive=None
            )
            audit.record(
                origin=origin,
                action="client.copy_expire",
                target=export,
                client_id=export.client_id,
            )
        done += 1
    return done


# --- building ----------------------------------------------------------------------------------


def _collect(export: ClientExport, *, progress) -> Built:
    missing = missing_sections()
    if missing:  # a bug: a table of client data the copy does not know
        raise LookupError(f"no section of the client's copy for {', '.join(missing)}")
    client = export.client
    plan = erasure.plan_for(client)
    built = Built()
    total = len(SECTIONS)
    for n, section in enumerate(SECTIONS, start=1):
        model = apps.get_model(section.label)
        if model is AuditEvent:
            queryset = AuditEvent.objects.filter(client=client).order_by("at", "id")
        else:
            queryset = model._base_manager.filter(pk__in=plan.rows.get(model, set()))
            queryset = queryset.order_by(*_order(model))
        built.sections.append(_section(section, model, queryset))
        progress(max(1, int(90 * n / total)))
    return built


def _order(model: type[models.Model]) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields}
    if "history_date" in names:
        return ["id", "history_date", "history_id"]
    return list(model._meta.ordering or []) + ["pk"]


def _fields(section: Section, model: type[models.Model]) -> list[models.Field]:
    if section.fields is not None:
        return [model._meta.get_field(name) for name in section.fields]
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN and not isinstance(f, models.BinaryField)
    ]


def _m2m(model: type[models.Model]) -> list[models.ManyToManyField]:
    return [f for f in model._meta.many_to_many]


def _section(section: Section, model: type[models.Model], queryset) -> dict[str, Any]:
    fields = _fields(section, model)
    related = [f.name for f in fields if f.is_relation]
    m2m = _m2m(model) if section.fields is None else []
    queryset = queryset.select_related(*related).prefetch_related(*(f.name for f in m2m))
    rows = []
    for obj in queryset:
        values = [(f, getattr(obj, f.name)) for f in fields]
        values += [(f, list(getattr(obj, f.name).all())) for f in m2m]
        rows.append(
            {
                "data": {f.name: _plain(f, v, obj) for f, v in values},
                "shown": [
                    (str(f.verbose_name).capitalize(), _shown(f, v, obj))
                    for f, v in values
                    if v not in (None, "", [], {})
                ],
            }
        )
    return {
        "key": section.key,
        "title": str(section.title),
        "model": section.label,
        "rows": rows,
    }


def _plain(f: models.Field, value: Any, obj: models.Model) -> Any:
    """The value for the JSON file: machine-readable, with names of related things."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if f.is_relation:
        return None if value is None else {"id": value.pk, "name": str(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shown(f: models.Field, value: Any, obj: models.Model) -> str:
    """The value for the PDF: words a person reads."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if f.name == "actor_role":  # the role's name in words, for the list of who opened it
        return str(dict(Role.choices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return str(value)


def _archive(export: ClientExport, built: Built) -> bytes:
    client = export.client
    now = timezone.now()
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generated_at": now.isoformat(),
        "language": export.language,
        "client_code": client.code,
        "sections": [
            {
                "key": s["key"],
                "title": s["title"],
                "model": s["model"],
                "rows": [r["data"] for r in s["rows"]],
            }
            for s in built.sections
        ],
    }
    as_json = json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    html = render_to_string(
        "outreach/client_copy_pdf.html",
        {
            "client": client,
            "sections": built.sections,
            "generated_at": now,
            "language": export.language,
        },
    )
    ClientExport.objects.filter(pk=export.pk).update(progress=95)
    pdf = html_to_pdf(html)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{client.code}-copy.pdf", pdf)
        archive.writestr(f"{client.code}-copy.json", as_json)
    return buffer.getvalue()
