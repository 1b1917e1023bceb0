"""Rows a service already holds, handed to the model so its rules read them instead of asking the database.

A service that locked an order's lines sets them as the order's prefetched ``lines``: ``order.lines.all()``
then returns those very objects (with the quantities the service is changing), and the model's conditions
evaluate on them. Without that, a condition asks the database itself (a page drawing one document)."""

from __future__ import annotations

from django.db import models


def loaded_set(instance: models.Model, relation: str, rows: list[models.Model]) -> None:
    """Make ``rows`` the prefetched result of ``instance.<relation>.all()``."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        cache = instance._prefetched_objects_cache = {}
    cache[relation] = queryset


def loaded(instance: models.Model, relation: str) -> list[models.Model] | None:
    """The rows of ``relation`` held in memory, or None when they were not loaded."""
    queryset = getattr(instance, "_prefetched_objects_cache", {}).get(relation)
    return None if queryset is None else queryset._result_cache
