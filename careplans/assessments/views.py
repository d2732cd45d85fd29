"""Assessment pages: parse, check access, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from careplans import access as plan_access
from careplans.assessments import selectors
from careplans.assessments.forms import (
    AssessmentForm,
    CarerAssessmentForm,
    help_field_name,
    item_field_name,
)
from careplans.assessments.instruments import languages_of, pick_language, sub_score_labels
from careplans.assessments.services import (
    assessment_record,
    assessment_update,
    carer_assessment_record,
)
from careplans.models import Assessment, Instrument
from outreach import access, audit
from outreach.models import Carer, SupportPerson
from outreach.origin import Origin
from outreach.submissions import idempotent_create

TEMPLATES = "careplans/assessments/"


def _question_language(request: HttpRequest, client, instrument) -> str:
    """The client's preferred language if the instrument has it, else the interface's."""
    available = languages_of(instrument.items)
    for wanted in (request.GET.get("lang"), client.preferred_language, get_language()):
        if wanted and wanted in available:
            return wanted
    return "en"


def _apply_errors(form: AssessmentForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(form.field_for(key), errors)
    else:
        form.add_error(None, exc)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def assessment_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Record an assessment with the client on a phone: one radio group per item."""
    client = access.client_for_request(request, client_pk)
    code = request.GET.get("instrument", "")
    instrument = selectors.instrument_for_use(code) if code else None
    if instrument is None:
        return render(
            request,
            TEMPLATES + "instrument_choose.html",
            {
                "client": client,
                "instruments": selectors.instruments_in_use(),
                "unknown": bool(code),
            },
            status=404 if code else 200,
        )
    language = _question_language(request, client, instrument)
    form = AssessmentForm(
        request.POST or None,
        instrument=instrument,
        language=language,
        initial={"timepoint": selectors.suggested_timepoint(client=client, instrument=instrument)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(
                client=client,
                instrument=instrument,
                author=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                timepoint=form.cleaned_data["timepoint"],
                answers=form.answers(),
                help_wanted=form.help_wanted(),
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(instrument)s saved. Score: %(score)s.")
                % {"instrument": instrument.display_name, "score": f"{assessment.score:.2f}"},
            )
            return redirect("careplans:assessment-list", client_pk=client.pk)
    return _render_form(request, client, instrument, form, language)


def _render_form(
    request: HttpRequest, client, instrument, form: AssessmentForm, language: str, assessment=None
) -> HttpResponse:
    other_languages = [
        (lang, name)
        for lang, name in (("en", "English"), ("bg", "Български"))
        if lang != language and lang in languages_of(instrument.items)
    ]
    return render(
        request,
        TEMPLATES + "assessment_form.html",
        {
            "client": client,
            "instrument": instrument,
            "assessment": assessment,
            "form": form,
            "rows": form.item_rows(),
            "language": language,
            "other_languages": other_languages,
        },
        status=400 if form.errors else 200,
    )


def _initial_of(assessment: Assessment) -> dict:
    initial = {"assessed_on": assessment.assessed_on, "timepoint": assessment.timepoint}
    for item in assessment.instrument.items:
        value = assessment.answers.get(item["code"])
        if isinstance(value, bool):
            value = "yes" if value else "no"
        initial[item_field_name(item["code"])] = None if value is None else str(value)
        if item.get("more_help"):
            initial[help_field_name(item["code"])] = item["code"] in assessment.help_wanted
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Correct one's own assessment: same checks, score computed again, change audited."""
    client = access.client_or_404(request, client_pk)
    try:
        assessment = selectors.assessment_get(user=request.user, client=client, pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc
    if not plan_access.can_correct_assessment(request.user, assessment):
        raise PermissionDenied(_("Only the worker who recorded an assessment can correct it."))
    # Opening the form is a read; only a successful save (the service) records a change.
    access.audit_read(request, assessment, action="assessment.view", client=client)
    instrument = assessment.instrument
    language = _question_language(request, client, instrument)
    form = AssessmentForm(
        request.POST or None,
        instrument=instrument,
        language=language,
        initial=_initial_of(assessment),
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_update(
                assessment=assessment,
                actor=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                timepoint=form.cleaned_data["timepoint"],
                answers=form.answers(),
                help_wanted=form.help_wanted(),
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Assessment corrected. Score: %(score)s.") % {"score": f"{assessment.score:.2f}"},
            )
            return redirect("careplans:assessment-detail", client_pk=client.pk, pk=assessment.pk)
    return _render_form(request, client, instrument, form, language, assessment)


def _list_context(request: HttpRequest, client) -> dict:
    in_use = selectors.instruments_in_use()
    return {
        "client": client,
        "series": selectors.assessment_series(user=request.user, client=client),
        "due": selectors.assessments_due(user=request.user, client=client, in_use=in_use),
        "instruments": in_use,
    }


@login_required
@require_GET
def assessment_list(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A client's assessments by instrument, with scores over time and what is due."""
    client = access.client_for_request(request, client_pk, action="assessment.list")
    return render(request, TEMPLATES + "assessment_list.html", _list_context(request, client))


@login_required
@require_GET
def client_assessments(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The htmx card for the client page: latest scores and what is due."""
    client = access.client_for_request(request, client_pk, action="assessment.list")
    return render(request, TEMPLATES + "_assessments_summary.html", _list_context(request, client))


@login_required
@require_GET
def assessment_detail(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """One assessment: every answer in the language it was shown in, and the scores."""
    client = get_object_or_404(
        access.visible_clients(request.user).select_related("team"), pk=client_pk
    )
    try:
        assessment = selectors.assessment_get(user=request.user, client=client, pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc
    audit.record(action="assessment.view", target=assessment, origin=Origin.from_request(request))
    instrument = assessment.instrument
    language = _question_language(request, client, instrument)
    rows = []
    for item in instrument.items:
        value = assessment.answers.get(item["code"])
        if item.get("type", "scale") == "yes_no":
            shown = _("Yes") if value else _("No") if value is not None else "–"
        else:
            label = pick_language(item.get("labels", {}).get(str(value)), language)
            shown = f"{value} · {label}" if label else str(value)
        rows.append(
            {
                "text": pick_language(item.get("text"), language),
                "answer": shown,
                "more_help": item["code"] in assessment.help_wanted,
            }
        )
    sub_labels = sub_score_labels(instrument.scoring)
    return render(
        request,
        TEMPLATES + "assessment_detail.html",
        {
            "client": client,
            "assessment": assessment,
            "can_correct": plan_access.can_correct_assessment(request.user, assessment),
            "instrument": instrument,
            "rows": rows,
            "sub_scores": [(sub_labels.get(k, k), v) for k, v in assessment.scores.items()],
        },
    )


@login_required
@require_GET
def assessment_due(request: HttpRequest) -> HttpResponse:
    """Assessments due and overdue on the months 0/3/6/9 clock, for my clients or the team."""
    if not plan_access.sees_due_lists(request.user):
        raise Http404
    own = plan_access.due_lists_start_with_own_clients(request.user)
    mine = request.GET.get("scope", "mine" if own else "team") == "mine"
    clients = access.visible_clients(request.user)
    if mine:
        clients = clients.filter(
            Q(tandem__professional=request.user) | Q(tandem__peer=request.user)
        )
    due = selectors.assessments_due(user=request.user, clients=clients)
    audit.record_many(
        action="assessment.due.view",
        client_ids=[row.client.pk for row in due],
        origin=Origin.from_request(request),
        detail={"scope": "mine" if mine else "team"},
    )
    return render(
        request,
        TEMPLATES + "assessment_due.html",
        {
            "due": due,
            "mine": mine,
            "today": timezone.localdate(),
            "overdue_count": sum(1 for d in due if d.overdue),
            "self_url": reverse("careplans:assessment-due"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def carer_assessment_create(request: HttpRequest, client_pk: int, carer_pk: int) -> HttpResponse:
    """Measure a carer's own burden with an instrument for carers, chosen from those added."""
    client = access.client_or_404(request, client_pk)
    carer = get_object_or_404(
        access.scoped(Carer.objects.filter(client=client), request.user, via="client")
        .exclude(support_person__involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
        .select_related("support_person"),
        pk=carer_pk,
    )
    access.audit_read(request, client, action="client.view")
    carer.client = client
    code = request.GET.get("instrument", "")
    carer_instruments = Instrument.AppliesTo.CARER
    instrument = selectors.instrument_for_use(code, carer_instruments) if code else None
    if instrument is None:
        return render(
            request,
            TEMPLATES + "carer_instrument_choose.html",
            {
                "client": client,
                "carer": carer,
                "instruments": selectors.instruments_in_use(carer_instruments),
                "unknown": bool(code),
            },
            status=404 if code else 200,
        )
    language = _question_language(request, client, instrument)
    form = CarerAssessmentForm(request.POST or None, instrument=instrument, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = carer_assessment_record(
                carer=carer,
                instrument=instrument,
                author=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                answers=form.answers(),
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(instrument)s saved for %(carer)s. Score: %(score)s.")
                % {
                    "instrument": instrument.display_name,
                    "carer": carer.support_person.name,
                    "score": f"{assessment.score:.2f}",
                },
            )
            return redirect(client)
    return render(
        request,
        TEMPLATES + "carer_assessment_form.html",
        {
            "client": client,
            "carer": carer,
            "instrument": instrument,
            "form": form,
            "rows": form.item_rows(),
            "language": language,
        },
        status=400 if form.errors else 200,
    )
