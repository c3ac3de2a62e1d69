import pytest

from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput, PermissionDenied


@pytest.mark.parametrize(
    ("role", "required", "allowed"),
    [
        (Role.VIEWER, Role.VIEWER, True),
        (Role.VIEWER, Role.RESPONDER, False),
        (Role.RESPONDER, Role.RESPONDER, True),
        (Role.RESPONDER, Role.ADMIN, False),
        (Role.ADMIN, Role.RESPONDER, True),
    ],
)
def test_roles_are_ordered(role, required, allowed):
    assert role.allows(required) is allowed


def test_permission_denied_names_the_role_needed_and_the_actor():
    with pytest.raises(
        PermissionDenied, match="acknowledging requires the responder role; token:ro is viewer"
    ):
        Actor("token:ro", Role.VIEWER).require(Role.RESPONDER, "acknowledging")


def test_unknown_role_lists_the_roles():
    with pytest.raises(InvalidInput, match="viewer, responder, security, admin"):
        Role.parse("root")
