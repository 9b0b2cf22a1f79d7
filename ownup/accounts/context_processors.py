from .selectors import memberships_of


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "workspace": getattr(request, "workspace", None),
        "membership": getattr(request, "membership", None),
        "all_memberships": getattr(request, "all_memberships", None) or memberships_of(user),
    }
