"""The people wire shape: ONLYOFFICE's EmployeeWraperFull."""

from accounts.models import User
from accounts.selectors import EmployeeStatus, user_activation_status
from crm_project.api.dates import format_datetime
from crm_project.api.render_context import RenderContext


def person_shape(user: User, ctx: RenderContext) -> dict:
    """EmployeeWraperFull: the short Employee plus the profile, every key always present
    (compatibility note 3). A guest caller sees other people's e-mail as null, as ONLYOFFICE
    shows it to those without the People module; everybody else sees it."""
    employee = ctx.employee(user)
    viewer = ctx.user
    email_shown = user.pk == viewer.pk or not getattr(viewer, "is_visitor", False)
    return {
        **employee,
        "userName": user.username,
        "isVisitor": user.is_visitor,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": user.email if email_shown else None,
        "status": EmployeeStatus.ACTIVE if user.is_active else EmployeeStatus.TERMINATED,
        "activationStatus": user_activation_status(user),
        "terminated": (
            format_datetime(user.terminated_at)
            if user.terminated_at and not user.is_active
            else None
        ),
        "department": "",
        "groups": [],
        "workFrom": format_datetime(user.date_joined),
        "birthday": None,
        "sex": "",
        "location": "",
        "notes": "",
        "contacts": [],
        "mobilePhone": "",
        "mobilePhoneActivationStatus": 0,
        "cultureName": "",
        "avatarMedium": employee["avatarSmall"],
        "avatar": employee["avatarSmall"],
        "avatarMax": employee["avatarSmall"],
        "isAdmin": user.is_crm_admin,
        "listAdminModules": ["crm"] if user.is_crm_admin else [],
        "isOwner": False,
        "isLDAP": False,
        "isSSO": False,
    }
