"""What the database said, read the same way everywhere."""

from django.db import Error


def constraint_name(error: Error) -> str | None:
    """The name of the constraint a database error is about (psycopg2's diagnostics), or None."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)
