"""Point 4 of the hardening issue on the edit page: on a private opportunity, only its creator
and administrators change who is responsible (the responsible person always sees it)."""

import pytest

from opportunities.selectors import opportunity_list_visible_to
from tests.factories import OpportunityFactory
from tests.pages.test_stale_edit_forms import browser_data

pytestmark = pytest.mark.django_db


def test_listed_user_cannot_hand_a_private_deal_to_someone_else_on_the_edit_page(
    other_client, user, other_user, third_user
):
    deal = OpportunityFactory(created_by=user, access_list=[user, other_user])
    url = f"/opportunities/{deal.pk}/edit/"
    response = other_client.get(url)
    form = response.context["form"]
    assert form.fields["responsible"].disabled
    assert "Only its creator and administrators" in response.content.decode()

    posted = other_client.post(url, {**browser_data(form), "responsible": str(third_user.pk)})

    assert posted.status_code == 302  # the other fields save; the responsible stays
    deal.refresh_from_db()
    assert deal.responsible == user
    assert not opportunity_list_visible_to(user=third_user).filter(pk=deal.pk).exists()


def test_creator_hands_a_private_deal_to_someone_else_on_the_edit_page(signed_in, user, third_user):
    deal = OpportunityFactory(created_by=user, access_list=[user])
    url = f"/opportunities/{deal.pk}/edit/"
    form = signed_in.get(url).context["form"]
    assert not form.fields["responsible"].disabled
    response = signed_in.post(url, {**browser_data(form), "responsible": str(third_user.pk)})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.responsible == third_user
    assert opportunity_list_visible_to(user=third_user).filter(pk=deal.pk).exists()
