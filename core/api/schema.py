"""OpenAPI description of the API conventions: every operation documents its problem+json errors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_view_model
from rest_framework import serializers

from core import extensions
from core.api.problems import PROBLEM_CONTENT_TYPE
from core.concurrency import is_versioned
from core.errors import ErrorCode


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text=_("Input path, e.g. lines[0].quantity"))
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text=_("What went wrong, in words to show a user."))
    code = serializers.CharField(help_text=_("Machine-readable reason, e.g. order-not-cancelable."))
    instance = serializers.CharField(required=False)
    errors = ProblemFieldErrorSerializer(many=True, required=False)


PROBLEM_DESCRIPTIONS = {
    400: _("Invalid input: `errors` names each field."),
    401: _("No or an invalid token."),
    403: _("The user may not do this."),
    404: _("No such resource."),
    409: _("Refused in the document's current state: `detail` says why."),
    412: _("If-Match names a version the resource is no longer at: read it again, then decide again."),
}


class ServiceAutoSchema(AutoSchema):
    """Knows our viewsets: writes read an input serializer, and errors are problem+json."""

    def get_request_serializer(self):
        input_serializers = getattr(self.view, "input_serializers", {})
        action = getattr(self.view, "action", None)
        if action in input_serializers:
            return input_serializers[action]
        return super().get_request_serializer()

    def get_tags(self) -> list[str]:
        # Group by resource ("sales-orders"), not by the version prefix every path shares.
        segments = [part for part in self.path.strip("/").split("/") if part not in ("api", "v1")]
        return segments[:1]

    def get_operation_id(self) -> str:
        return super().get_operation_id().removeprefix("v1_")

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # DRF drops ``allow_blank`` from read-only model fields, yet a blank model field (an optional choice or
        # email) is read back as "": say so, or the response contradicts its own schema.
        if direction == "response" and field.read_only and getattr(field, "allow_blank", True) is False:
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            try:
                model_field = model._meta.get_field(field.source) if model and "." not in field.source else None
            except Exception:  # noqa: BLE001 - a source that is no model field (a property) keeps its mapping
                model_field = None
            if model_field is not None and model_field.blank:
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def problem_codes(self) -> list[int]:
        codes = [401, 403]
        if "{" in self.path:
            codes.append(404)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes += [400, 409]
        return sorted(codes)

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if not operation:
            return operation
        problem = self.resolve_serializer(ProblemSerializer, "response")
        codes = self.problem_codes()
        if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
            # A filter, cursor or page size that does not parse is refused naming the parameter.
            codes = sorted({*codes, 400})
        if any(parameter.get("name") == "page" for parameter in operation.get("parameters", [])):
            codes = sorted({*codes, 404})  # a page past the last one
        for code in codes:
            operation["responses"].setdefault(
                str(code),
                {
                    "description": str(PROBLEM_DESCRIPTIONS[code]),
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": problem.ref}},
                },
            )
        self.document_preconditions(operation, problem)
        return operation

    def document_preconditions(self, operation, problem) -> None:
        """ETag on a versioned resource's answers, If-Match on its changes, If-None-Match on its read."""
        if "{" not in self.path or not is_versioned_view(self.view):
            return
        parameters = operation.setdefault("parameters", [])
        etag = {"ETag": {"schema": {"type": "string"}, "description": str(ETAG_DESCRIPTION)}}
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                response.setdefault("headers", {}).update(etag)
        if self.method == "GET":
            parameters.append(
                {"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"}}
                | {"description": str(IF_NONE_MATCH_DESCRIPTION)}
            )
            operation["responses"].setdefault("304", {"description": str(_("Not modified: the ETag is current."))})
            return
        parameters.append(
            {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"}}
            | {"description": str(IF_MATCH_DESCRIPTION)}
        )
        operation["responses"].setdefault(
            "412",
            {"description": str(PROBLEM_DESCRIPTIONS[412]), "content": {PROBLEM_CONTENT_TYPE: {"schema": problem.ref}}},
        )


ETAG_DESCRIPTION = _('The resource\'s version as an entity tag, e.g. "3"; it changes with every change.')
IF_MATCH_DESCRIPTION = _(
    'Change only if the resource is still at this ETag (e.g. "3"); otherwise 412 and nothing changes. '
    "* or no header: change whatever the version."
)
IF_NONE_MATCH_DESCRIPTION = _("The ETag you hold: 304 without a body while the resource is still at it.")


def is_versioned_view(view) -> bool:
    try:
        model = get_view_model(view)
    except Exception:  # a view without a model (a report) has no version to tag
        return False
    return model is not None and is_versioned(model)


def problem_codes_hook(result, generator, request, public):
    """List every error code (core's and each app's ``errors.py``) as the problem schema's ``code`` enum."""
    codes = {code.value for code in ErrorCode}
    for enum in extensions.error_code_enums:
        codes.update(code.value for code in enum)
    # Codes the API itself answers with (DRF's, kebab-cased by core.api.problems).
    codes.update(
        {"not-found", "not-authenticated", "authentication-failed", "permission-denied", "method-not-allowed"}
        | {"parse-error", "unsupported-media-type", "not-acceptable", "throttled"}
    )
    problem = result.get("components", {}).get("schemas", {}).get("Problem")
    if problem:
        problem["properties"]["code"]["enum"] = sorted(codes)
    return result


def json_request_bodies_hook(result, generator, request, public):
    """Document JSON as the one request format wherever an operation takes JSON.

    DRF also parses form posts, but integrators send JSON, and one content type per body keeps generated clients
    simple (openapi-python-client turns several into a union it cannot type). File imports keep multipart."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" in content:
                for media_type in [media_type for media_type in content if media_type != "application/json"]:
                    del content[media_type]
    return result
