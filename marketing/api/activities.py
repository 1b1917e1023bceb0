"""API for activities."""


def register(router, extra_urlpatterns: list) -> None:
    pass
