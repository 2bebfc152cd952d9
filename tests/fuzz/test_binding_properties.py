"""Properties of the wire parsing layer (issue 8, "How it must be shown"): for any query string
or body, `Params` and its typed getters either give a value or raise InvalidInput (a 400 naming
the parameter), never anything else; any date string either means "no date", or gives an
aware datetime that can be stored and reads back unchanged, or is InvalidInput."""

import contextlib
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.errors import InvalidInput
from crm_project.api.binding import Params
from crm_project.api.dates import format_datetime, parse_datetime
from crm_project.api.pagination import MAX_START_INDEX, PageRequest
from crm_project.api.parsers import JSONParser, XMLParser
from opportunities.models import BidType

PROPERTY_SETTINGS = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PARSERS = [JSONParser(), FormParser(), MultiPartParser(), XMLParser()]
factory = APIRequestFactory()

# Names the getters are asked for: some of the generated keys, and names the views use.
FIXED_NAMES = ["title", "startIndex", "count", "tags", "customFieldList", "members", "x"]

any_text = st.text(max_size=30) | st.sampled_from(["", " ", "1", "-1", "true", "1e400", "\x00"])
number_text = st.integers().map(str) | st.sampled_from(["9" * 5000, "0" * 4400, "1_000", "٣"])
key = st.one_of(
    st.sampled_from(FIXED_NAMES),
    st.text(min_size=1, max_size=10),
    st.builds(
        lambda name, index, sub: f"{name}[{index}]" + (f"[{sub}]" if sub else ""),
        st.sampled_from(["tags", "customFieldList", "members", "x"]),
        st.sampled_from(["", "0", "1", "12", "9" * 5000, "0" * 7]) | st.integers(0, 99).map(str),
        st.sampled_from(["", "key", "value", "KEY"]),
    ),
)
query = st.lists(st.tuples(key, any_text | number_text), max_size=8)
json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
    | number_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["key", "value"]), children, max_size=4
        )
    ),
    max_leaves=12,
)
json_body = st.dictionaries(key, json_value, max_size=8) | json_value


def _every_getter(params: Params, name: str) -> None:
    """Every typed getter on `name`: a value, or InvalidInput."""
    getters = [
        params.string,
        params.integer,
        params.decimal,
        params.boolean,
        params.guid,
        params.date,
        lambda n: params.enum(n, BidType),
        params.sequence,
        params.int_list,
        params.guid_list,
        params.key_value_list,
    ]
    for getter in getters:
        try:
            getter(name)
        except InvalidInput as exc:
            assert exc.field in (name, None)
    with contextlib.suppress(InvalidInput):
        PageRequest.from_params(params)


def _encode(pairs) -> str:
    """As a client would put them on the wire (a lone surrogate as its UTF-8-like bytes)."""
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def _check(request, names) -> None:
    try:
        params = Params(request)
    except (InvalidInput, ParseError):
        return
    for name in {*names, *FIXED_NAMES}:
        _every_getter(params, name)


@PROPERTY_SETTINGS
@given(pairs=query)
@example(pairs=[(f"x[{'0' * 5000}]", "1")])
@example(pairs=[("startIndex", str(2**63))])
@example(pairs=[("title", "a\x00"), ("tags[]", "\ud800")])
def test_params_give_a_value_or_invalid_input_when_the_query_is_anything(pairs):
    path = f"/api/2.0/crm/opportunity/filter?{_encode(pairs)}"
    request = Request(factory.get(path), parsers=PARSERS)

    _check(request, [name for name, _ in pairs])


@PROPERTY_SETTINGS
@given(body=json_body)
@example(body={"customFieldList": [{"key": "9" * 5000, "value": 1}]})
@example(body={"title": ["a", {"b": None}], "count": 1e300})
@example(body=[[[[[]]]]])
def test_params_give_a_value_or_invalid_input_when_the_json_body_is_anything(body):
    raw = json.dumps(body)
    request = Request(
        factory.put("/api/2.0/crm/opportunity/1", raw, content_type="application/json"),
        parsers=PARSERS,
    )

    _check(request, list(body) if isinstance(body, dict) else [])


@PROPERTY_SETTINGS
@given(pairs=query)
def test_params_give_a_value_or_invalid_input_when_the_form_body_is_anything(pairs):
    request = Request(
        factory.put(
            "/api/2.0/crm/opportunity/1",
            _encode(pairs),
            content_type="application/x-www-form-urlencoded",
        ),
        parsers=PARSERS,
    )

    _check(request, [name for name, _ in pairs])


def test_page_request_refuses_a_start_index_past_the_limit():
    request = Request(factory.get("/x", {"startIndex": MAX_START_INDEX + 1}), parsers=PARSERS)

    with pytest.raises(InvalidInput):
        PageRequest.from_params(Params(request))


# -- the date parser -----------------------------------------------------------------------------

date_like = st.builds(
    lambda y, mo, d, h, mi, s, frac, sep, zone: (
        f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{frac}{zone}"
    ),
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from(["", ".0", ".1234567", ".9999999"]),
    st.sampled_from(["T", " ", "t"]),
    st.sampled_from(["", "Z", "z"])
    | st.builds(
        lambda sign, h, m, colon: f"{sign}{h:02d}{colon}{m:02d}",
        st.sampled_from("+-"),
        st.integers(0, 99),
        st.integers(0, 99),
        st.sampled_from([":", ""]),
    ),
)
any_date_text = date_like | st.text(max_size=40) | date_like.map(lambda t: t[:10])


def _assert_storable_round_trip(text: str) -> None:
    try:
        moment = parse_datetime(text, field="date")
    except InvalidInput as exc:
        assert exc.field == "date"
        return
    if moment is None:
        return
    assert isinstance(moment, datetime) and moment.tzinfo is not None
    in_utc = moment.astimezone(UTC)  # what the database keeps
    assert 2 <= in_utc.year <= 9999
    written = format_datetime(moment)
    assert parse_datetime(written, field="date") == moment  # reads back unchanged


@PROPERTY_SETTINGS
@given(text=any_date_text)
@example(text="9999-12-31T23:59:59-14:00")
@example(text="0001-01-01T00:00:00+14:00")
@example(text="0002-01-01T00:00:00+14:00")
@example(text="2020-01-01T00:00:00+24:00")
@example(text="2020-01-01T00:00:00.0000000Z\n")
def test_dates_are_none_storable_or_invalid_input_when_the_text_is_anything(text):
    _assert_storable_round_trip(text)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo"])
def test_dates_are_none_storable_or_invalid_input_in_any_portal_time_zone(zone):
    @PROPERTY_SETTINGS
    @given(text=any_date_text)
    @example(text="9999-12-31T20:00:00Z")
    @example(text="9999-12-31T23:00:00")
    @example(text="0002-01-01T00:00:00")
    def run(text):
        _assert_storable_round_trip(text)

    with override_settings(TIME_ZONE=zone):
        run()
