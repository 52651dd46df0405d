from ninja import Router, Schema

from homeroom.core.access import SIGNED_IN, requires

router = Router(tags=["Accounts"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    roles: list[str]
    site_ids: list[int] | None


@router.get("/me", response=MeOut)
@requires(SIGNED_IN)
def me(request):
    """The account behind the token or session; `site_ids` is null when it sees every site."""
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "roles": user.role_names,
        "site_ids": None if user.sees_all_sites else list(user.sites.values_list("pk", flat=True)),
    }
