"""API for leads."""


def register(router, extra_urlpatterns: list) -> None:
    pass
