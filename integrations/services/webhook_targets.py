"""Where a webhook may be sent: public receivers only, unless the site allows internal ones.

A subscription is a URL an API user chooses, and the server then makes requests to it. Without a check, an
integrator could point it at the database host, a cloud metadata address or an admin port inside the network
(server-side request forgery, OWASP ASVS V12.6). Every address the host name resolves to must be a public one,
checked when the subscription is saved and again before each delivery (a name can resolve differently later).
``SALESFLOW_WEBHOOK_PRIVATE_TARGETS`` allows internal receivers: on for development and tests, off in production."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext


def target_refusal(url: str) -> str | None:
    """Why ``url`` may not receive webhooks here, or None."""
    if settings.SALESFLOW_WEBHOOK_PRIVATE_TARGETS:
        return None
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return gettext("The receiver's host %(host)s does not resolve.") % {"host": host}
    for address in sorted(addresses):
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            return gettext(
                "%(host)s is an internal address (%(address)s): webhooks are sent to public receivers only."
            ) % {"host": host, "address": address}
    return None
