"""What someone locked out of logging in sees (django-axes calls ``lockout_response``): the login page again,
saying why and for how long, with 429 Too Many Requests. The admin's login page is answered the same way: the form
posts back to the URL it came from."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import ngettext


def lockout_message() -> str:
    # The cool-off counts from the latest failure, which is this very request: the whole cool-off is left.
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return ngettext(
        "Too many failed attempts to log in with this username from your address. Try again in %(minutes)d minute.",
        "Too many failed attempts to log in with this username from your address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
