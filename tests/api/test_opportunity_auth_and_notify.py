"""Every opportunity route refuses an unauthenticated caller with the 401 envelope and changes
nothing; `isNotify` mails the users given access."""

import pytest

from opportunities.models import Opportunity, OpportunityMember

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"

ROUTES = [
    ("get", "{url}/{id}"),
    ("put", "{url}/{id}"),
    ("delete", "{url}/{id}"),
    ("post", "{url}"),
    ("put", "{url}"),
    ("get", "{url}/filter"),
    ("delete", "{url}/filter"),
    ("put", "{url}/filter/access"),
    ("put", "{url}/access"),
    ("put", "{url}/{id}/stage/1"),
    ("put", "{url}/{id}/access"),
    ("get", "{url}/{id}/contact"),
    ("post", "{url}/{id}/contact/{contact}"),
    ("delete", "{url}/{id}/contact/{contact}"),
    ("get", "{url}/byprefix"),
    ("get", "{url}/bycontact/{contact}"),
    ("put", "{url}/{id}/creationdate"),
    ("put", "{url}/{id}/lastmodifeddate"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_route_returns_401_envelope_and_changes_nothing_when_unauthenticated(
    api_client, opportunity, person, method, route
):
    OpportunityMember.objects.create(opportunity=opportunity, contact=person)
    url = route.format(url=URL, id=opportunity.pk, contact=person.pk)
    body = {"title": "x", "opportunityids": [opportunity.pk], "opportunityid": [opportunity.pk]}

    response = getattr(api_client, method)(url, body, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"]
    assert response.json()["status"] == 1 and response.json()["statusCode"] == 401
    assert list(Opportunity.objects.values_list("title", flat=True)) == ["Public deal"]
    assert OpportunityMember.objects.count() == 1


def test_route_returns_401_when_the_token_is_forged(api_client, opportunity):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")

    assert api_client.get(f"{URL}/{opportunity.pk}").status_code == 401


def test_is_notify_mails_the_added_users_except_the_caller(
    client_for, user, other_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(
            URL,
            {
                "title": "Notify me",
                "isPrivate": True,
                "accessList": [str(other_user.uuid)],
                "isNotify": True,
            },
            format="json",
        )

    assert response.status_code == 201
    assert [message.to for message in mailoutbox] == [[other_user.email]]
    assert "Notify me" in mailoutbox[0].subject


def test_no_mail_is_sent_when_is_notify_is_false(
    client_for, user, other_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(user).post(
            URL,
            {"title": "Quiet", "isPrivate": True, "accessList": [str(other_user.uuid)]},
            format="json",
        )

    assert mailoutbox == []
