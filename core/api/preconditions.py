"""ETag and If-Match (RFC 9110 §8.8.3, §13.1.1) over the ``version`` of a resource (core/concurrency.py).

A response for one resource carries ``ETag: "<version>"``. A change (PATCH, PUT, DELETE, or a POST action on the
resource) that sends ``If-Match: "<version>"`` runs only if the resource is still at that version: the service
compares it after taking its row lock, and a stale tag answers 412 with nothing changed. ``If-Match: *`` and no
If-Match at all let the change proceed. ``If-None-Match`` with the current tag on a read answers 304.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext

from core.concurrency import is_versioned
from core.errors import ErrorCode, ValidationFailed

_TAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def etag_of(instance) -> str | None:
    """The resource's entity tag: its version, quoted (a strong tag: the version moves with every change)."""
    if instance is None or not is_versioned(type(instance)) or "version" not in instance.__dict__:
        return None
    return f'"{instance.version}"'


def if_match_version(request) -> int | None:
    """The version an If-Match header asks for: None when there is none or it is ``*``; a malformed one is 400."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    found = _TAG.match(header)
    if found is None:
        raise ValidationFailed(
            code=ErrorCode.INVALID,
            field_errors={
                "If-Match": gettext('Send the ETag of the resource as you read it, e.g. "3", or * for any version.')
            },
        )
    return int(found.group(1))


def if_none_match_hit(request, etag: str | None) -> bool:
    """Whether a read's If-None-Match names the current tag (weak comparison, as RFC 9110 §13.1.2 asks)."""
    header = request.headers.get("If-None-Match")
    if header is None or etag is None:
        return False
    if header.strip() == "*":
        return True
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags
