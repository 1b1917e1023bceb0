from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django model permissions, reads included: an integrator sees only what its group may view.

    Action endpoints (confirm, post …) are POSTs that need the model's change permission here; the
    service then checks the transition's own permission."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }

    def has_permission(self, request, view):
        # An action's reads (GET of a sub-resource) need what any read needs; its writes the change permission.
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        if writes and getattr(view, "action", None) in getattr(view, "change_actions", ()):
            model = view.get_queryset().model
            perm = f"{model._meta.app_label}.change_{model._meta.model_name}"
            return bool(request.user and request.user.is_authenticated and request.user.has_perm(perm))
        return super().has_permission(request, view)
