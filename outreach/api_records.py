"""Building blocks of the API resources of a client's record (events, network, plans, …).

The pages validate their input with Django forms and write through services; the API reuses
both, so a rule cannot hold on one path and not the other: a request's JSON body is bound to the
page's form (`bind_form`), whose errors answer 400, and the view then calls the page's service.
`form_serializer` describes the same form to the OpenAPI schema (it validates nothing itself).

Lists are read through the access querysets (another team's rows are simply absent, their ids
a 404), audited with one row per client shown, filtered with django-filter (`?client=`,
`?updated_since=` for a system that syncs) and paged with a cursor.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from outreach import access, audit
from outreach.api import ApiFilterSet, IdFilter, StrictCursorPagination, UpdatedSinceFilter
from outreach.models import Client
from outreach.origin import Origin
from outreach.permissions import IsVerifiedStaff

YES_NO = {True: "yes", False: "no", None: ""}


# --- Forms as the API's input ----------------------------------------------------------------


def _is_yes_no(field: forms.Field) -> bool:
    return isinstance(field, forms.TypedChoiceField) and {"yes", "no"} <= {
        c[0] for c in field.choices
    }


def _drf_field(field: forms.Field) -> serializers.Field:
    """The DRF field that documents a form field (type, choices, required, help)."""
    common: dict[str, Any] = {"required": field.required}
    if field.help_text:
        common["help_text"] = str(field.help_text)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(allow_null=not field.required, **common)
    if _is_yes_no(field):
        return serializers.BooleanField(allow_null=True, **common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(
            child=serializers.ChoiceField(choices=[c for c in field.choices if c[0] != ""]),
            **common,
        )
    if isinstance(field, forms.ChoiceField):
        choices = [c for c in field.choices if c[0] != ""]
        if not choices:  # choices made per request (e.g. the candidates of a decision)
            return serializers.CharField(allow_blank=not field.required, **common)
        return serializers.ChoiceField(choices=choices, allow_blank=not field.required, **common)
    if isinstance(field, forms.NullBooleanField):
        return serializers.BooleanField(allow_null=True, **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(allow_null=not field.required, **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=not field.required, **common)
    if isinstance(field, forms.TimeField):
        return serializers.TimeField(allow_null=not field.required, **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places, **common
        )
    if isinstance(field, forms.CharField):
        return serializers.CharField(
            allow_blank=not field.required, max_length=field.max_length, **common
        )
    raise TypeError(f"no API field for {type(field).__name__}")


def form_serializer(
    form_class: type[forms.BaseForm],
    name: str,
    *,
    only: list[str] | None = None,
    extra: dict[str, serializers.Field] | None = None,
) -> type[serializers.Serializer]:
    """A serializer that documents `form_class` (its fields, or `only` these) for the schema."""
    attrs: dict[str, Any] = dict(extra or {})
    for field_name, field in form_class.base_fields.items():
        if only is None or field_name in only:
            attrs[field_name] = _drf_field(field)
    attrs["__doc__"] = (form_class.__doc__ or "").strip() or None
    return type(name, (serializers.Serializer,), attrs)


def request_object(request) -> dict[str, Any]:
    """The request's body as a dict; a body that is not a JSON object is a 400."""
    data = request.data
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    return {key: data[key] for key in data}


def _form_value(field: forms.Field, value: Any) -> Any:
    if _is_yes_no(field) and (value is None or isinstance(value, bool)):
        return YES_NO[value]
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [v.pk if isinstance(v, models.Model) else v for v in value]
    return value


def form_data(
    form_class: type[forms.BaseForm], data: dict[str, Any], *, prefix: str | None = None
) -> dict[str, Any]:
    """Map JSON values to what the form's widgets read (true → "yes", null → "", …)."""
    fields = form_class.base_fields
    out = {}
    for key, value in data.items():
        field = fields.get(key)
        name = f"{prefix}-{key}" if prefix else key
        out[name] = _form_value(field, value) if field is not None else value
    return out


def instance_data(form_class: type[forms.ModelForm], instance: models.Model) -> dict[str, Any]:
    """The stored values of a row in the shape of its form: the base a PATCH is applied to."""
    names = [n for n in form_class.base_fields if n in {f.name for f in instance._meta.fields}]
    names += [
        n for n in form_class.base_fields if n in {f.name for f in instance._meta.many_to_many}
    ]
    return model_to_dict(instance, fields=names)


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors as the API's 400 body: one list of messages per field."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(e) for e in errors]
        for field, errors in form.errors.items()
    }


def valid_form(form: forms.BaseForm) -> forms.BaseForm:
    """Return the bound form if it is valid; otherwise answer 400 with its errors."""
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    return form


def bind_form(
    form_class: type[forms.BaseForm], request, *, base: dict[str, Any] | None = None, **kwargs: Any
) -> forms.BaseForm:
    """Bind the page's form to the request's JSON (over `base`, for a PATCH); 400 if invalid."""
    data = {**(base or {}), **request_object(request)}
    return valid_form(form_class(form_data(form_class, data), **kwargs))


# --- Reading: access, audit, filters, pages --------------------------------------------------


class RecordCursorPagination(StrictCursorPagination):
    """Stable pages however large the list grows (newest row first)."""

    ordering = "-pk"


def visible_clients(request) -> models.QuerySet[Client]:
    """The clients a filter may name (another team's id is refused like a missing one)."""
    return access.visible_clients(request.user) if request else Client.objects.none()


class UpdatedSinceFilterSet(ApiFilterSet):
    """`?updated_since=` (rows changed at or after it): alone for a team's rows (no client)."""

    updated_since = UpdatedSinceFilter()


class RecordFilter(UpdatedSinceFilterSet):
    """`?client=` (a visible client) and `?updated_since=` (rows changed at or after it)."""

    client = IdFilter(field_name="client_id")


def record_filter(
    model_: type[models.Model],
    filter_fields: list[str] | tuple[str, ...] = (),
    *,
    client_path: str = "client",
    base: type[filters.FilterSet] = RecordFilter,
) -> type[filters.FilterSet]:
    """A FilterSet of `model_` with `client`, `updated_since` and the given exact filters."""
    attrs: dict[str, Any] = {
        "Meta": type("Meta", (), {"model": model_, "fields": list(filter_fields)}),
    }
    if client_path != "client":
        attrs["client"] = IdFilter(field_name=client_path)
    return type(f"{model_.__name__}Filter", (base,), attrs)


class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read a kind of record of the clients the user may open; each read is audited.

    Subclasses set `model`, `entity` (the audit prefix: `<entity>.list`, `<entity>.view`),
    `serializer_class` (the output), `client_path` (how a row reaches its client) and may narrow
    `get_queryset` with `related` / `prefetch`. A row's output carries its `client` id, which
    the list audit reads.
    """

    model: type[models.Model]
    entity: str
    client_path = "client"
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    permission_classes = [IsVerifiedStaff]
    pagination_class = RecordCursorPagination

    def get_queryset(self):
        qs = access.scoped(self.model.objects.all(), self.request.user, via=self.client_path)
        if self.related:
            qs = qs.select_related(*self.related)
        if self.prefetch:
            qs = qs.prefetch_related(*self.prefetch)
        return qs.order_by("-pk")

    def client_of(self, obj: models.Model) -> Client:
        value: Any = obj
        for part in self.client_path.split("__"):
            value = getattr(value, part)
        return value

    def audit_view(self, request, obj: models.Model) -> None:
        audit.record(
            action=f"{self.entity}.view",
            target=obj,
            client=self.client_of(obj),
            origin=Origin.from_request(request),
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit.record_many(
            action=f"{self.entity}.list",
            client_ids={row["client"] for row in response.data["results"]},
            origin=Origin.from_request(request),
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.audit_view(request, obj)
        return Response(self.get_serializer(obj).data)

    def answer(self, obj: models.Model, code: int = status.HTTP_200_OK) -> Response:
        """Answer with the stored row, read again through the list's queryset."""
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.serializer_class(fresh, context={"request": self.request}).data, code)


def client_for_write(request, raw: Any) -> Client:
    """The visible client a write names; another team's (or no such) client is a 404."""
    try:
        pk = serializers.IntegerField().run_validation(raw)
    except ValidationError as exc:
        raise ValidationError({"client": exc.detail}) from exc
    client = (
        access.visible_clients(request.user)
        .select_related("team__municipality", "tandem")
        .filter(pk=pk)
        .first()
    )
    if client is None or not access.can_write_record(request.user, client):
        raise Http404
    return client


class ClientFormCreateMixin:
    """POST: the page's form bound to the body (with `client`), then the page's service.

    Subclasses set `form_class` (a form taking `client=`), `service` (called with client, actor,
    origin and `param`=the unsaved instance) and may add keyword arguments in `service_kwargs`.
    """

    form_class: type[forms.ModelForm]
    param: str
    # Values a body may leave out (the API's defaults; a page's form shows its own initial).
    create_defaults: dict[str, Any] = {}

    @staticmethod
    def service(**kwargs: Any) -> Any:  # pragma: no cover - always set by a subclass
        raise NotImplementedError

    def service_kwargs(self, form: forms.BaseForm) -> dict[str, Any]:
        return {}

    def form_kwargs(self, client: Client) -> dict[str, Any]:
        return {"client": client}

    def create(self, request, *args, **kwargs):
        body = {**self.create_defaults, **request_object(request)}
        client = client_for_write(request, body.pop("client", None))
        form = valid_form(
            self.form_class(form_data(self.form_class, body), **self.form_kwargs(client))
        )
        saved = type(self).service(
            client=client,
            actor=request.user,
            origin=Origin.from_request(request),
            **{self.param: form.save(commit=False)},
            **self.service_kwargs(form),
        )
        return self.answer(saved, status.HTTP_201_CREATED)


class ClientRowViewSet(ClientFormCreateMixin, mixins.CreateModelMixin, RecordViewSet):
    """Rows of a client's record read through the access querysets and created (never changed)
    through the page's form and service (see `ClientFormCreateMixin`)."""

    http_method_names = ["get", "post", "head", "options"]


class ClientFormPatchMixin:
    """PATCH: the stored row in the form's shape, overlaid with the body, through the service."""

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        client = self.client_of(obj)
        if not access.can_write_record(request.user, client):
            raise Http404
        body = request_object(request)
        body.pop("client", None)  # a record never moves to another client
        data = {**instance_data(self.form_class, obj), **body}
        form = valid_form(
            self.form_class(
                form_data(self.form_class, data), instance=obj, **self.form_kwargs(client)
            )
        )
        saved = type(self).service(
            client=client,
            actor=request.user,
            origin=Origin.from_request(request),
            **{self.param: form.save(commit=False)},
            **self.service_kwargs(form),
        )
        return self.answer(saved)


def with_defaults(serializer: type[serializers.Serializer], defaults: dict[str, Any]) -> None:
    """Document the fields a body may leave out (a view's `create_defaults`) with their default.

    A serializer's fields are copied from their constructor's arguments, so those are changed.
    """
    for name, default in defaults.items():
        field = serializer._declared_fields[name]
        kwargs = {**field._kwargs, "required": False, "default": default}
        serializer._declared_fields[name] = type(field)(*field._args, **kwargs)


def document_writes(
    view: type[RecordViewSet],
    *,
    name: str,
    form_class: type[forms.BaseForm],
    patch: bool = False,
    fields: dict[str, serializers.Field] | None = None,
) -> type[RecordViewSet]:
    """Put the form's request body (with `client` on create) and the output in the schema.

    `fields` documents a form field that `_drf_field` would describe wrongly (e.g. a list of
    answers that holds yes and no among others, which is not a yes/no/unknown field).
    """
    create_in = form_serializer(
        form_class,
        f"{name}CreateRequest",
        extra={"client": serializers.IntegerField(help_text="The client's id.")},
    )
    create_in._declared_fields.update(fields or {})
    with_defaults(create_in, getattr(view, "create_defaults", {}))
    schemas = {"create": extend_schema(request=create_in, responses={201: view.serializer_class})}
    if patch:
        patch_in = form_serializer(form_class, f"{name}PatchRequest")
        for field in patch_in._declared_fields.values():
            field.required = False
        schemas["partial_update"] = extend_schema(
            request=patch_in, responses={200: view.serializer_class}
        )
    return extend_schema_view(**schemas)(view)
