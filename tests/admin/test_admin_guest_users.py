"""Guests in the admin (issue 9 point 1): the user form shows and edits the guest flag through
`user_set_visitor`; a guest is never made staff or superuser by accident; a guest can be chosen
as an opportunity's responsible."""

from unittest import mock

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def user_form_data(browser, user, **changes) -> dict:
    """The admin's user form as a browser sends it back, with `changes` (booleans as ticks)."""
    form = browser.get(change_url(user)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = changes.get(name, form[name].value())
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_guest_flag_shown_when_admin_opens_a_user(admin_browser, guest):
    response = admin_browser.get(change_url(guest))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="is_visitor"' in page
    assert "has no access to the CRM" in page
    listing = admin_browser.get(reverse("admin:accounts_user_changelist"), {"is_visitor__exact": 1})
    assert list(listing.context["cl"].result_list) == [guest]


def test_user_made_guest_through_the_service_when_admin_ticks_guest(admin_browser, user):
    data = user_form_data(admin_browser, user, is_visitor=True)

    with mock.patch("accounts.admin.user_set_visitor", wraps=services.user_set_visitor) as service:
        response = admin_browser.post(change_url(user), data)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_visitor
    assert not user.has_crm_access
    service.assert_called_once()
    assert service.call_args.kwargs["is_visitor"] is True


def test_guest_refused_with_form_error_when_admin_also_ticks_staff(admin_browser, user):
    data = user_form_data(admin_browser, user, is_visitor=True, is_staff=True)

    response = admin_browser.post(change_url(user), data)

    assert response.status_code == 200
    assert "A guest cannot be an administrator" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_visitor and not user.is_staff


def test_staff_refused_with_form_error_when_admin_ticks_it_for_a_guest(admin_browser, guest):
    data = user_form_data(admin_browser, guest, is_superuser=True)

    response = admin_browser.post(change_url(guest), data)

    assert response.status_code == 200
    assert "A guest cannot be an administrator" in response.content.decode()
    guest.refresh_from_db()
    assert guest.is_visitor and not guest.is_superuser


def test_guest_made_staff_when_admin_clears_guest_and_ticks_staff_at_once(admin_browser, guest):
    data = user_form_data(admin_browser, guest, is_visitor=False, is_staff=True)

    response = admin_browser.post(change_url(guest), data)

    assert response.status_code == 302
    guest.refresh_from_db()
    assert not guest.is_visitor and guest.is_staff
    assert guest.is_crm_admin


def test_admin_made_guest_when_admin_clears_staff_and_ticks_guest_at_once(
    admin_browser, admin_user
):
    other_admin = User.objects.create(username="oscar", is_staff=True)
    data = user_form_data(admin_browser, other_admin, is_visitor=True, is_staff=False)

    response = admin_browser.post(change_url(other_admin), data)

    assert response.status_code == 302
    other_admin.refresh_from_db()
    assert other_admin.is_visitor and not other_admin.is_staff


def test_guest_found_when_admin_searches_for_an_opportunity_responsible(admin_browser, guest):
    response = admin_browser.get(
        "/admin/autocomplete/",
        {
            "term": "Gus",
            "app_label": "opportunities",
            "model_name": "opportunity",
            "field_name": "responsible",
        },
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(guest.pk)]


def test_a_user_is_deactivated_in_the_admin_never_deleted(client, admin_user, user, opportunity):
    """Deleting a user would empty the responsible and author of their deals without a trace:
    the admin offers no delete (neither the page nor the changelist action); deactivating
    keeps the deal's responsible."""
    client.force_login(admin_user)
    delete_url = reverse("admin:accounts_user_delete", args=[user.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert User.objects.filter(pk=user.pk).exists()
    opportunity.refresh_from_db()
    assert opportunity.responsible_id == user.pk
