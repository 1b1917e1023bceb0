"""API for opportunities."""


def register(router, extra_urlpatterns: list) -> None:
    pass
