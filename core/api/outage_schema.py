"""The answers any API operation may give whatever it does: 429 when the client is throttled
(core/api/throttling.py) and 503 while the database is unreachable (core/outage.py), both problem+json with
``Retry-After``. Added to every operation of the OpenAPI document, after core.api.schema.problem_codes_hook."""

from __future__ import annotations

from core.api.problems import PROBLEM_CONTENT_TYPE
from core.outage import CODE as OUTAGE_CODE

RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before sending the request again.", "schema": {"type": "integer"}}
}
ANSWERS = {
    "429": "Too many requests from this user in the current window (code `throttled`).",
    "503": f"The database cannot be reached just now (code `{OUTAGE_CODE}`).",
}


def retry_answers_hook(result, generator, request, public):
    problem = result.get("components", {}).get("schemas", {}).get("Problem")
    if not problem:
        return result
    codes = problem["properties"]["code"]
    if "enum" in codes and OUTAGE_CODE not in codes["enum"]:
        codes["enum"] = sorted([*codes["enum"], OUTAGE_CODE])
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for status, description in ANSWERS.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "headers": RETRY_AFTER,
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
    return result
