"""`opportunity/filter`'s `total` (and the page chosen from the per-stage counts) is right
whatever was asked before and whatever was written since, with the default per-process cache
and with a shared one (where the counts are cached, `opportunities/counts_cache.py`).

Writes go through the services, which drop the cached counts when they commit: the tests run
their callbacks (`django_capture_on_commit_callbacks(execute=True)`), as a commit would."""

import pytest

from contacts.services import contact_delete
from opportunities.models import Opportunity, Stage, StageType
from opportunities.services import opportunity_tag_delete, stage_update
from tests.factories import OpportunityFactory, PersonFactory, TagFactory, default_stage

URL = "/api/2.0/crm/opportunity/filter"
API = "/api/2.0/crm"

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["per-process cache", "shared cache"])
def cache_kind(request):
    if request.param == "shared cache":
        request.getfixturevalue("shared_cache")
    return request.param


@pytest.fixture
def deals(user):
    """Two open deals and one won."""
    open_stage = default_stage("Initial contact")
    won = Stage.objects.filter(stage_type=StageType.CLOSED_AND_WON).first()
    return {
        "open": OpportunityFactory.create_batch(2, created_by=user, stage=open_stage),
        "won": [OpportunityFactory(created_by=user, stage=won)],
    }


def total(client, query: str = "") -> int:
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["response"]) == body["total"]  # every match fits the page
    return body["total"]


def test_unfiltered_total_counts_every_deal_when_open_deals_were_asked_first(
    cache_kind, client_for, user, deals
):
    client = client_for(user)

    assert total(client, "?stageType=0") == 2
    assert total(client) == 3
    assert total(client, "?stageType=Open") == 2


def test_open_total_counts_only_open_deals_when_every_deal_was_asked_first(
    cache_kind, client_for, user, deals
):
    client = client_for(user)

    assert total(client) == 3
    assert total(client, "?stageType=0") == 2
    assert total(client, "?stageType=1") == 1


def test_total_is_fresh_when_services_wrote_since_it_was_counted(
    cache_kind, client_for, user, admin_user, deals, django_capture_on_commit_callbacks
):
    """One write through each service that changes a count, each followed by the count."""
    client = client_for(user)
    admin = client_for(admin_user)
    first, second = deals["open"]
    proposal = default_stage("Proposal")
    won = deals["won"][0].stage
    contact = PersonFactory(created_by=user)
    TagFactory(title="hot")

    def write(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = call(*args, **kwargs)
        if hasattr(response, "status_code"):
            assert response.status_code in (200, 201), response.content

    assert total(client) == 3 and total(client, "?stageType=0") == 2
    # create
    write(client.post, f"{API}/opportunity", {"title": "New", "stageid": proposal.pk}, "json")
    assert total(client) == 4 and total(client, "?stageType=0") == 3
    # move
    write(client.put, f"{API}/opportunity/{first.pk}/stage/{won.pk}", {"stageid": won.pk}, "json")
    assert total(client, "?stageType=0") == 2 and total(client, "?stageType=1") == 2
    # update (a stage change through PUT)
    write(client.put, f"{API}/opportunity/{first.pk}", {"stageid": proposal.pk}, "json")
    assert total(client, "?stageType=0") == 3
    # members: add, then remove
    query = f"?contactid={contact.pk}&contactAlsoIsParticipant=true"
    assert total(client, query) == 0
    write(client.post, f"{API}/opportunity/{second.pk}/contact/{contact.pk}")
    assert total(client, query) == 1
    write(client.delete, f"{API}/opportunity/{second.pk}/contact/{contact.pk}")
    assert total(client, query) == 0
    # tags: add, remove, batch, delete everywhere
    assert total(client, "?tags=hot") == 0
    write(client.post, f"{API}/opportunity/{second.pk}/tag", {"tagName": "hot"}, "json")
    assert total(client, "?tags=hot") == 1
    write(client.delete, f"{API}/opportunity/{second.pk}/tag?tagName=hot")
    assert total(client, "?tags=hot") == 0
    ids = list(Opportunity.objects.values_list("pk", flat=True))
    write(client.post, f"{API}/opportunity/taglist", {"entityid": ids, "tagName": "hot"}, "json")
    assert total(client, "?tags=hot") == 4
    write(opportunity_tag_delete, tag_name="hot", deleted_by=admin_user)
    assert total(client, "?tags=hot") == 0
    # access: the admin's public deal made private to the admin alone
    admins_deal = OpportunityFactory(created_by=admin_user, stage=proposal)
    write(client.put, f"{API}/opportunity/{first.pk}", {"title": "Renamed"}, "json")
    assert total(client) == 5
    write(
        admin.put,
        f"{API}/opportunity/{admins_deal.pk}/access",
        {"isPrivate": True, "accessList": [str(admin_user.uuid)]},
        "json",
    )
    assert total(client) == 4
    # stage: an open stage made a won one
    assert total(client, "?stageType=0") == 3
    write(stage_update, stage=proposal, updated_by=admin_user, stage_type=StageType.CLOSED_AND_WON)
    assert total(client, "?stageType=0") == 1
    # contact delete: the deals it was the contact of lose it
    write(client.put, f"{API}/opportunity/{first.pk}", {"contactid": contact.pk}, "json")
    assert total(client, f"?contactid={contact.pk}") == 1
    write(contact_delete, contact=contact, deleted_by=user)
    assert total(client, f"?contactid={contact.pk}") == 0
    # delete, then group delete
    assert total(client) == 4
    write(client.delete, f"{API}/opportunity/{first.pk}")
    assert total(client) == 3
    rest = [o.pk for o in Opportunity.objects.filter(created_by=user)]
    write(client.put, f"{API}/opportunity", {"opportunityids": rest}, "json")
    assert total(client) == 0
