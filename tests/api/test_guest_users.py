"""Guests (ONLYOFFICE's visitors, issue 9 point 1): administrators create them with
`POST people` and `isVisitor=true`; every people answer shows `isVisitor: true`; they can be made
an opportunity's responsible; they read no CRM data themselves (every `crm/*` route is a 403 in
the error envelope, however they sign in)."""

import base64
import json
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError, transaction
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from accounts.services import user_set_visitor
from core.errors import InvalidInput
from opportunities.models import Opportunity
from tests.factories import DEFAULT_PASSWORD, OpportunityFactory, UserFactory, default_stage

PEOPLE = "/api/2.0/people"
OPPORTUNITY = "/api/2.0/crm/opportunity"


def form(data: dict) -> dict:
    """A form-encoded body, as the ONLYOFFICE clients send it."""
    body = urlencode(data, doseq=True)
    return {"data": body, "content_type": "application/x-www-form-urlencoded"}


# -- creating guests ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PEOPLE, f"{PEOPLE}.json"])
def test_guest_created_when_admin_posts_is_visitor_as_a_form(admin_client, path):
    response = admin_client.post(
        path,
        **form(
            {
                "isVisitor": "true",
                "email": "gina@partner.example",
                "firstname": "Gina",
                "lastname": "Partner",
            }
        ),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["statusCode"] == 201
    assert body["response"]["isVisitor"] is True
    assert body["response"]["isAdmin"] is False
    assert body["response"]["displayName"] == "Gina Partner"
    guest = User.objects.get(email="gina@partner.example")
    assert body["response"]["id"] == str(guest.uuid)
    assert guest.is_visitor and guest.is_active
    assert not guest.is_staff and not guest.is_superuser
    assert (guest.first_name, guest.last_name, guest.username) == ("Gina", "Partner", "gina")


@pytest.mark.parametrize("bearer", [False, True])
def test_guest_created_when_admin_posts_is_visitor_as_json(client_for, admin_user, bearer):
    response = client_for(admin_user, bearer=bearer).post(
        f"{PEOPLE}.json",
        data=json.dumps(
            {"isVisitor": True, "email": "gil@partner.example", "firstname": "Gil", "lastname": "X"}
        ),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["response"]["isVisitor"] is True
    assert User.objects.get(email="gil@partner.example").is_visitor


def test_full_user_created_when_is_visitor_is_false(admin_client):
    response = admin_client.post(
        PEOPLE, **form({"isVisitor": "false", "email": "full@example.com", "firstname": "Full"})
    )

    assert response.status_code == 201
    assert response.json()["response"]["isVisitor"] is False
    assert not User.objects.get(email="full@example.com").is_visitor


def test_guest_creation_refused_with_403_when_caller_is_not_admin(user_client, guest):
    for client_user_body in (
        {"isVisitor": "true", "email": "x@partner.example"},
        {"isVisitor": "false", "email": "y@partner.example"},
    ):
        response = user_client.post(PEOPLE, **form(client_user_body))
        assert response.status_code == 403
    assert not User.objects.filter(email__endswith="partner.example").exists()


def test_guest_creation_refused_with_403_when_caller_is_a_guest(client_for, guest):
    response = client_for(guest).post(
        PEOPLE, **form({"isVisitor": "true", "email": "z@partner.example"})
    )

    assert response.status_code == 403
    assert response.json()["status"] == 1
    assert not User.objects.filter(email="z@partner.example").exists()


# -- isVisitor in every people answer ---------------------------------------------------------


def test_guest_shown_as_visitor_when_people_are_read(user_client, user, guest):
    listed = {p["id"]: p for p in user_client.get(PEOPLE).json()["response"]}
    one = user_client.get(f"{PEOPLE}/{guest.uuid}.json").json()["response"]
    filtered = user_client.get(f"{PEOPLE}/filter.json").json()["response"]

    assert listed[str(guest.uuid)]["isVisitor"] is True
    assert listed[str(user.uuid)]["isVisitor"] is False
    assert one["isVisitor"] is True and one["id"] == str(guest.uuid)
    assert {p["id"]: p["isVisitor"] for p in filtered} == {
        str(user.uuid): False,
        str(guest.uuid): True,
    }


@pytest.mark.parametrize("bearer", [False, True])
def test_guest_reads_itself_as_visitor_when_asking_for_self(client_for, guest, bearer):
    response = client_for(guest, bearer=bearer).get(f"{PEOPLE}/@self.json")

    assert response.status_code == 200
    me = response.json()["response"]
    assert me["id"] == str(guest.uuid)
    assert me["isVisitor"] is True
    assert me["email"] == guest.email


def test_guest_lists_people_without_their_email_when_signed_in(client_for, guest, user):
    body = client_for(guest).get(PEOPLE).json()

    people = {p["id"]: p for p in body["response"]}
    assert set(people) == {str(user.uuid), str(guest.uuid)}
    assert people[str(user.uuid)]["email"] is None
    assert people[str(guest.uuid)]["email"] == guest.email
    assert client_for(guest).get(f"{PEOPLE}/{user.uuid}").json()["response"]["email"] is None


# -- a guest as an opportunity's responsible ---------------------------------------------------


@pytest.mark.parametrize("path", [OPPORTUNITY, f"{OPPORTUNITY}.json"])
def test_opportunity_created_with_guest_responsible_when_responsibleid_is_the_guest(
    user_client, user, guest, path
):
    response = user_client.post(
        path,
        **form(
            {
                "title": "Partner deal",
                "stageid": default_stage("Proposal").pk,
                "responsibleid": str(guest.uuid),
                "bidCurrencyAbbr": "USD",
            }
        ),
    )

    assert response.status_code == 201, response.content
    body = response.json()["response"]
    assert body["responsible"]["id"] == str(guest.uuid)
    assert body["responsible"]["displayName"] == "Gus Guest"
    deal = Opportunity.objects.get(pk=body["id"])
    assert deal.responsible_id == guest.pk
    assert deal.created_by_id == user.pk


def test_opportunity_given_guest_responsible_when_updated_with_json(user_client, user, guest):
    deal = OpportunityFactory(title="Renewal", created_by=user, responsible=user)

    response = user_client.put(
        f"{OPPORTUNITY}/{deal.pk}.json",
        data=json.dumps({"responsibleid": str(guest.uuid)}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["response"]["responsible"]["id"] == str(guest.uuid)
    deal.refresh_from_db()
    assert deal.responsible_id == guest.pk
    assert deal.title == "Renewal"


def test_guest_on_access_list_accepted_when_private_deal_is_shared(user_client, user, guest):
    deal = OpportunityFactory(created_by=user, responsible=user)

    response = user_client.put(
        f"{OPPORTUNITY}/{deal.pk}/access",
        data=json.dumps({"isPrivate": True, "accessList": [str(guest.uuid)]}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    ids = {e["id"] for e in response.json()["response"]["accessList"]}
    assert str(guest.uuid) in ids


# -- a guest reads no CRM data -----------------------------------------------------------------


def _assert_forbidden(response):
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["status"] == 1
    assert body["statusCode"] == 403
    assert "guest" in body["error"]["message"].lower()


def _basic(user) -> str:
    return "Basic " + base64.b64encode(f"{user.username}:{DEFAULT_PASSWORD}".encode()).decode()


@pytest.fixture
def guest_deal(user, guest):
    """A private deal the guest is responsible for and on the access list of."""
    return OpportunityFactory(
        title="Guest's deal", created_by=user, responsible=guest, access_list=[user, guest]
    )


@pytest.mark.parametrize(
    "path",
    [
        "crm/opportunity/filter",
        "crm/opportunity/filter.json",
        "crm/opportunity/{deal}",
        "crm/opportunity/{deal}.json",
        "crm/opportunity/stage",
        "crm/contact/filter",
        "crm/opportunity/tag",
        "crm/opportunity/customfield/definitions",
        "crm/settings/currency",
    ],
)
@pytest.mark.parametrize("how", ["token", "bearer", "basic", "session"])
def test_crm_read_refused_with_403_when_caller_is_a_guest(
    api_client, client_for, guest, guest_deal, path, how
):
    if how == "basic":
        api_client.credentials(HTTP_AUTHORIZATION=_basic(guest))
        client = api_client
    elif how == "session":
        api_client.force_login(guest)
        client = api_client
    else:
        client = client_for(guest, bearer=how == "bearer")

    response = client.get(f"/api/2.0/{path.format(deal=guest_deal.pk)}")

    _assert_forbidden(response)
    assert guest_deal.title not in response.content.decode()


def test_guest_signs_in_and_reads_people_but_no_crm_data_when_using_a_token(
    api_client, guest, guest_deal
):
    login = api_client.post(
        "/api/2.0/authentication.json",
        **form({"userName": guest.username, "password": DEFAULT_PASSWORD}),
    )
    assert login.status_code == 201
    token = login.json()["response"]["token"]
    api_client.credentials(HTTP_AUTHORIZATION=token)

    assert api_client.get(f"{PEOPLE}/@self").json()["response"]["isVisitor"] is True
    _assert_forbidden(api_client.get(f"{OPPORTUNITY}/{guest_deal.pk}"))
    _assert_forbidden(api_client.get(f"{OPPORTUNITY}/filter"))


def test_crm_write_refused_with_403_and_nothing_changed_when_caller_is_a_guest(
    client_for, guest, guest_deal
):
    client = client_for(guest)

    created = client.post(OPPORTUNITY, **form({"title": "By a guest", "stageid": 1}))
    updated = client.put(f"{OPPORTUNITY}/{guest_deal.pk}", **form({"title": "Renamed"}))
    deleted = client.delete(f"{OPPORTUNITY}/{guest_deal.pk}")

    for response in (created, updated, deleted):
        _assert_forbidden(response)
    assert not Opportunity.objects.filter(title="By a guest").exists()
    guest_deal.refresh_from_db()
    assert guest_deal.title == "Guest's deal"


def test_crm_refused_with_401_not_403_when_nobody_signed_in(api_client, db):
    response = api_client.get(f"{OPPORTUNITY}/filter")

    assert response.status_code == 401


ROUTE_IDS = ("opportunityid", "entityid", "id", "stageid", "contactid", "companyid", "personid")
ROUTE_IDS += ("fieldid",)
ROUTE_IDS += ("taskid", "categoryid")


def _crm_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/2.0/crm/"):
            continue
        for method in operations:
            if method in {"get", "post", "put", "delete"}:
                yield method, path


@pytest.mark.parametrize("method, path", sorted(set(_crm_operations())))
def test_every_crm_operation_refused_with_403_when_caller_is_a_guest(
    client_for, guest, guest_deal, method, path
):
    """Every route of the schema under crm/, so a new route cannot forget the rule."""
    url = path
    for name in ROUTE_IDS:
        url = url.replace("{" + name + "}", str(guest_deal.pk))
    url = url.replace("{abbreviation}", "USD")
    assert "{" not in url, url
    before = Opportunity.objects.count()

    response = getattr(client_for(guest), method)(url)

    _assert_forbidden(response)
    assert Opportunity.objects.count() == before


# -- guests are never administrators -----------------------------------------------------------


def test_guest_flag_refused_when_user_is_an_administrator(admin_user, user):
    with pytest.raises(InvalidInput) as error:
        user_set_visitor(user=admin_user, is_visitor=True, changed_by=admin_user)

    assert error.value.field == "is_visitor"
    admin_user.refresh_from_db()
    assert not admin_user.is_visitor and admin_user.is_crm_admin


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_database_refuses_an_administrator_guest_when_written_directly(guest, flag):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=guest.pk).update(**{flag: True})

    guest.refresh_from_db()
    assert not guest.is_staff and not guest.is_superuser


def test_guest_never_counts_as_admin_when_flags_are_set_in_memory(db):
    guest = UserFactory.build(is_visitor=True, is_staff=True, is_superuser=True)

    assert not guest.is_crm_admin
    assert not guest.has_crm_access


def test_guest_not_mailed_when_put_on_an_access_list_with_notify(
    user_client, user, guest, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    deal = OpportunityFactory(title="Quiet merger", created_by=user, responsible=user)

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.put(
            f"{OPPORTUNITY}/{deal.pk}/access",
            **form(
                {
                    "isPrivate": "true",
                    "accessList": [str(guest.uuid), str(other_user.uuid)],
                    "isNotify": "true",
                }
            ),
        )

    assert response.status_code == 200, response.content
    assert [message.to for message in mailoutbox] == [[other_user.email]]
