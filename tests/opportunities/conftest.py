import pytest

from opportunities.models import StageType
from tests.factories import default_stage


@pytest.fixture
def first_stage(db):
    return default_stage("Initial contact")


@pytest.fixture
def proposal_stage(db):
    return default_stage("Proposal")


@pytest.fixture
def negotiation_stage(db):
    return default_stage("Negotiations")


@pytest.fixture
def won_stage(db):
    stage = default_stage("Closure/Transaction")
    assert stage.stage_type == StageType.CLOSED_AND_WON
    return stage


@pytest.fixture
def lost_stage(db):
    stage = default_stage("Unsuccessfully closed")
    assert stage.stage_type == StageType.CLOSED_AND_LOST
    return stage
