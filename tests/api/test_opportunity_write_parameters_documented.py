"""The documented body of POST/PUT opportunity names exactly the parameters the binding reads, so
the two declarations of the opportunity's write fields cannot drift apart."""

from opportunities.api.docs_serializers import OpportunityWriteSerializer
from opportunities.api.inputs import WRITE_FIELDS


def test_documented_write_parameters_equal_the_bound_ones_when_the_schema_is_built():
    assert set(OpportunityWriteSerializer().fields) == set(WRITE_FIELDS)
