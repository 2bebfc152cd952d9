import pytest

from core.errors import InvalidInput
from core.models import EntityType, Tag
from core.services import tags_get_or_create
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db


def test_missing_tags_created_when_titles_new():
    tags = tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=["hot", " cold "])

    assert [tag.title for tag in tags] == ["hot", "cold"]
    assert Tag.objects.count() == 2


def test_existing_tag_reused_when_title_differs_in_case():
    vip = TagFactory(entity_type=EntityType.OPPORTUNITY, title="VIP")

    tags = tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=["vip", "Vip", "VIP"])

    assert tags == [vip]
    assert Tag.objects.count() == 1


def test_separate_tag_created_when_other_entity_type():
    vip = TagFactory(entity_type=EntityType.OPPORTUNITY, title="VIP")

    (tag,) = tags_get_or_create(entity_type=EntityType.CONTACT, titles=["vip"])

    assert tag != vip
    assert tag.entity_type == EntityType.CONTACT


def test_empty_list_when_no_titles():
    assert tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=[]) == []


@pytest.mark.parametrize("bad_title", ["", "   ", None, "x" * 256])
def test_nothing_created_when_a_title_invalid(bad_title):
    with pytest.raises(InvalidInput):
        tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=["fine", bad_title])

    assert not Tag.objects.exists()
