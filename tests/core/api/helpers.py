"""What every API test needs: a token-authenticated client and the problem+json shape."""

from rest_framework.test import APIClient

from core.api.problems import PROBLEM_CONTENT_TYPE
from core.api.tokens import api_token_issue


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return client


def problem(response, status: int) -> dict:
    """The problem+json body of an error response, after checking status and content type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"/problems/{body['code']}"
    return body
