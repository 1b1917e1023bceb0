"""The version a page's form was opened at (core/concurrency.py), so that saving it cannot silently overwrite a
change someone else saved meanwhile.

The form carries the row's version in a hidden field. Its service runs expecting that version: when the row has
moved on, the service refuses under its row lock, and the page shows the form again with what the clerk typed,
the reason, and the hidden field now at the current version (saving again then overwrites, knowingly)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django import forms
from django.db import transaction

from core.concurrency import PreconditionFailed, expected_version, is_versioned

VERSION_FIELD = "version"


def version_field_add(form: forms.BaseForm, instance) -> None:
    """Give an edit form of ``instance`` the hidden field with the version it shows."""
    if instance is None or instance.pk is None or not is_versioned(type(instance)):
        return
    form.fields[VERSION_FIELD] = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, initial=instance.version
    )


@contextlib.contextmanager
def version_expected(form: forms.BaseForm, instance) -> Iterator[None]:
    """Run the save inside expecting the version the (valid, bound) form was opened at, if it carries one."""
    version = form.cleaned_data.pop(VERSION_FIELD, None) if VERSION_FIELD in form.fields else None
    if version is None:
        yield
        return
    with transaction.atomic(), expected_version(type(instance), instance.pk, version):
        yield


def version_conflict_show(form: forms.BaseForm, exc: PreconditionFailed, instance) -> None:
    """Keep what was typed, say why it was not saved, and let a second save be a knowing one."""
    form.add_error(None, exc.reason)
    current = type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
    if current is not None:
        data = form.data.copy()
        data[form.add_prefix(VERSION_FIELD)] = str(current)
        form.data = data
