"""API for campaigns."""


def register(router, extra_urlpatterns: list) -> None:
    pass
