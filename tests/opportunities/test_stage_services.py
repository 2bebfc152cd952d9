import pytest

from core.errors import AccessDenied, InvalidInput, NotFound
from opportunities.errors import StageInUse
from opportunities.models import Stage, StageType
from opportunities.services import stage_create, stage_delete, stage_reorder, stage_update
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def stage_rows() -> list[tuple]:
    return list(Stage.objects.order_by("pk").values_list())


def test_stage_appended_when_admin_creates(admin_user):
    stage = stage_create(
        created_by=admin_user,
        title=" Demo ",
        color="#123456",
        success_probability="60",
        stage_type=StageType.OPEN,
        days_before_warning=5,
    )

    assert stage.title == "Demo"
    assert stage.success_probability == 60
    assert stage.days_before_warning == 5
    assert list(Stage.objects.order_by("sort_order"))[-1] == stage


def test_access_denied_and_nothing_created_when_user_creates_stage(user):
    before = stage_rows()

    with pytest.raises(AccessDenied):
        stage_create(created_by=user, title="Mine")

    assert stage_rows() == before


@pytest.mark.parametrize(
    "values",
    [
        {"title": "  "},
        {"title": "X", "success_probability": 101},
        {"title": "X", "success_probability": -1},
        {"title": "X", "stage_type": 3},
        {"title": "X", "days_before_warning": -2},
    ],
)
def test_nothing_created_when_stage_values_invalid(admin_user, values):
    before = stage_rows()

    with pytest.raises(InvalidInput):
        stage_create(created_by=admin_user, **values)

    assert stage_rows() == before


def test_only_named_fields_change_when_admin_updates_stage(admin_user, proposal_stage):
    stage_update(stage=proposal_stage, updated_by=admin_user, days_before_warning=10)

    proposal_stage.refresh_from_db()
    assert proposal_stage.days_before_warning == 10
    assert (proposal_stage.title, proposal_stage.success_probability) == ("Proposal", 75)


def test_nothing_changes_when_user_updates_stage(user, proposal_stage):
    before = stage_rows()

    with pytest.raises(AccessDenied):
        stage_update(stage=proposal_stage, updated_by=user, title="Mine")

    assert stage_rows() == before


def test_nothing_changes_when_stage_update_invalid(admin_user, proposal_stage):
    before = stage_rows()

    with pytest.raises(InvalidInput):
        stage_update(stage=proposal_stage, updated_by=admin_user, title="New", colour="red")
    with pytest.raises(InvalidInput):
        stage_update(stage=proposal_stage, updated_by=admin_user, success_probability=200)

    assert stage_rows() == before


def test_named_stages_first_when_reordered(admin_user):
    stages = list(Stage.objects.order_by("sort_order"))
    wanted = [stages[3].pk, stages[0].pk]

    ordered = stage_reorder(stage_ids=wanted, reordered_by=admin_user)

    expected = [stages[3], stages[0], *stages[1:3], *stages[4:]]
    assert ordered == expected
    assert list(Stage.objects.order_by("sort_order")) == expected


def test_nothing_reordered_when_stage_id_unknown(admin_user):
    before = stage_rows()
    first = Stage.objects.order_by("sort_order").first()

    with pytest.raises(NotFound):
        stage_reorder(stage_ids=[first.pk, 99999], reordered_by=admin_user)

    assert stage_rows() == before


@pytest.mark.parametrize("stage_ids", [[], None])
def test_nothing_reordered_when_refused(user, stage_ids):
    before = stage_rows()

    with pytest.raises(AccessDenied):
        stage_reorder(stage_ids=stage_ids or [Stage.objects.last().pk], reordered_by=user)

    assert stage_rows() == before


@pytest.mark.parametrize("stage_ids", [[], None])
def test_current_order_and_nothing_written_when_reorder_names_no_stage(
    admin_user, stage_ids, django_assert_max_num_queries
):
    before = stage_rows()
    in_order = list(Stage.objects.order_by("sort_order", "id").values_list("pk", flat=True))

    with django_assert_max_num_queries(3) as captured:  # the savepoint, its release, a read
        ordered = stage_reorder(stage_ids=stage_ids, reordered_by=admin_user)

    assert [s.pk for s in ordered] == in_order
    assert not [q for q in captured.captured_queries if "UPDATE" in q["sql"].upper()]
    assert stage_rows() == before


def test_stage_gone_when_admin_deletes_unused_stage(admin_user):
    stage = Stage.objects.create(title="Unused", sort_order=99)

    deleted = stage_delete(stage=stage, deleted_by=admin_user)

    assert deleted.pk == stage.pk
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_stage_kept_when_in_use(admin_user, user, proposal_stage):
    OpportunityFactory(created_by=user, stage=proposal_stage)

    with pytest.raises(StageInUse) as error:
        stage_delete(stage=proposal_stage, deleted_by=admin_user)

    assert "opportunities at this stage" in error.value.message
    assert Stage.objects.filter(pk=proposal_stage.pk).exists()


def test_stage_kept_when_user_deletes(user):
    stage = Stage.objects.create(title="Unused", sort_order=99)

    with pytest.raises(AccessDenied):
        stage_delete(stage=stage, deleted_by=user)

    assert Stage.objects.filter(pk=stage.pk).exists()
