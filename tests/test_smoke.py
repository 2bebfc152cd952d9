from opportunities.models import Opportunity
from opportunities.selectors import opportunity_list_visible_to


def test_private_opportunity_hidden_from_other_user(private_opportunity, other_user, user):
    assert list(opportunity_list_visible_to(user=other_user)) == []
    assert list(opportunity_list_visible_to(user=user)) == [private_opportunity]
    assert Opportunity.objects.count() == 1
