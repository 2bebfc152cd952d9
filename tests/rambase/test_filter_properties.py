"""Property tests of the $filter parser and compiler (hypothesis):
- what the grammar generates parses back to the same tree;
- any text either parses or is a FilterError (never another exception);
- a compiled filter selects, in SQL, exactly the rows a plain Python reading of the same
  filter selects (case-insensitive text, LIKE's wildcards taken literally, null semantics)."""

import contextlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rambase.filter_parser import (
    And,
    Call,
    Compare,
    FieldRef,
    FilterError,
    In,
    Literal,
    Or,
    parse_filter,
)
from tests.factories import OpportunityFactory

# -- trees and their text ------------------------------------------------------------------------

names = st.sampled_from(["Title", "Probability", "Value.UnweightedAmount", "ContactId"]).map(
    lambda name: "".join(c.upper() if i % 2 else c for i, c in enumerate(name))
)
fields = names.map(FieldRef)
texts = st.text(max_size=8).filter(lambda t: "\x00" not in t)
numbers = st.one_of(
    st.integers(-(10**9), 10**9).map(Decimal),
    st.tuples(st.integers(0, 10**6), st.integers(0, 99)).map(
        lambda p: Decimal(f"{p[0]}.{p[1]:02d}")
    ),
)
literals = st.one_of(texts.map(Literal), numbers.map(Literal), st.just(Literal(None)))
ops = st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"])
leaves = st.one_of(
    st.builds(Compare, fields, ops, st.one_of(literals, fields)),
    st.builds(In, fields, st.lists(literals, min_size=1, max_size=3).map(tuple)),
    st.builds(Call, st.sampled_from(["startswith", "endswith", "substringof"]), fields,
              texts.map(Literal)),
)  # fmt: skip
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda t: Or(tuple(t))),
        st.lists(children, min_size=2, max_size=3).map(lambda t: And(tuple(t))),
    ),
    max_leaves=8,
)


def literal_text(literal: Literal) -> str:
    if literal.value is None:
        return "null"
    if isinstance(literal.value, Decimal):
        return str(literal.value)
    return "'" + literal.value.replace("'", "''") + "'"


def unparse(node) -> str:
    if isinstance(node, Or | And):
        word = " or " if isinstance(node, Or) else " AND "
        return word.join(f"({unparse(term)})" for term in node.terms)
    if isinstance(node, In):
        return f"{node.field.name} in ({', '.join(literal_text(v) for v in node.values)})"
    if isinstance(node, Call):
        if node.function == "substringof":
            return f"SubstringOf({literal_text(node.text)}, {node.field.name})"
        return f"{node.function}({node.field.name},{literal_text(node.text)})"
    operand = node.operand
    right = operand.name if isinstance(operand, FieldRef) else literal_text(operand)
    return f"{node.field.name} {node.op.upper()} {right}"


@given(trees)
def test_generated_filters_parse_back_to_the_same_tree(tree):
    assert parse_filter(unparse(tree)) == tree


@given(st.text(max_size=60))
def test_any_text_parses_or_is_a_filter_error(text):
    with contextlib.suppress(FilterError):
        parse_filter(text)


@given(st.lists(st.sampled_from(["(", ")", "Title", "eq", "'a'", "and", "or", ",", "in", "1",
                                 "null", "startswith", "not", "''"]), max_size=12))  # fmt: skip
def test_token_soup_parses_or_is_a_filter_error(tokens):
    with contextlib.suppress(FilterError):
        parse_filter(" ".join(tokens))


# -- SQL against a Python reading ---------------------------------------------------------------

TITLES = ["alpha", "Alpha beta", "50% off", "a_b", "O'Neil", "ALPHA", "beta", "x"]
DAY = date(2026, 6, 30)


@pytest.fixture
def rows(db, user):
    def close_date(n):
        day = DAY + timedelta(n - 4)
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))

    made = []
    for n, title in enumerate(TITLES):
        made.append(
            OpportunityFactory(
                created_by=user,
                title=title,
                success_probability=(n * 17) % 101,
                bid_value=Decimal(n * 250) / 2,
                expected_close_date=None if n % 3 == 0 else close_date(n),
            )
        )  # fmt: skip
    return made


SQL_TEXTS = st.text(alphabet="aAbB %_'O", max_size=4)
sql_leaves = st.one_of(
    st.tuples(st.just("Probability"), ops, st.integers(-5, 105)),
    st.tuples(st.just("Value.UnweightedAmount"), ops, st.integers(0, 1000)),
    st.tuples(st.just("Title"), st.sampled_from(["eq", "ne"]), SQL_TEXTS),
    st.tuples(st.sampled_from(["startswith", "endswith", "substringof"]), st.just("Title"),
              SQL_TEXTS),
    st.tuples(st.just("ExpectedCloseDate"), ops, st.integers(-6, 6)),
    st.tuples(st.just("ExpectedCloseDate"), st.sampled_from(["eq", "ne"]), st.none()),
)  # fmt: skip
sql_trees = st.recursive(
    sql_leaves,
    lambda children: st.tuples(
        st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=3)
    ),
    max_leaves=6,
)


def _text_of(node) -> str:
    if node[0] in ("and", "or"):
        return f" {node[0]} ".join(f"({_text_of(child)})" for child in node[1])
    first, second, third = node
    if first in ("startswith", "endswith"):
        return f"{first}({second}, {literal_text(Literal(third))})"
    if first == "substringof":
        return f"substringof({literal_text(Literal(third))}, {second})"
    if first == "Title":
        return f"Title {second} {literal_text(Literal(third))}"
    if first == "ExpectedCloseDate":
        value = "null" if third is None else f"'{DAY + timedelta(third)}'"
        return f"ExpectedCloseDate {second} {value}"
    return f"{first} {second} {third}"


def _compare(left, op, right) -> bool:
    return {
        "eq": left == right,
        "ne": left != right,
        "lt": left is not None and left < right,
        "le": left is not None and left <= right,
        "gt": left is not None and left > right,
        "ge": left is not None and left >= right,
    }[op]


def _python(node, row) -> bool:
    if node[0] == "and":
        return all(_python(child, row) for child in node[1])
    if node[0] == "or":
        return any(_python(child, row) for child in node[1])
    first, second, third = node
    title = row.title.lower()
    if first == "startswith":
        return title.startswith(third.lower())
    if first == "endswith":
        return title.endswith(third.lower())
    if first == "substringof":
        return third.lower() in title
    if first == "Title":
        return _compare(title, second, third.lower())
    if first == "Probability":
        return _compare(row.success_probability, second, third)
    if first == "Value.UnweightedAmount":
        return _compare(row.bid_value, second, Decimal(third))
    day = None if row.expected_close_date is None else timezone.localdate(row.expected_close_date)
    if third is None:
        return (day is None) == (second == "eq")
    return (
        _compare(day, second, DAY + timedelta(third))
        if day is not None or second == "ne"
        else False
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sql_trees)
def test_sql_selects_what_the_filter_says(rb, rows, tree):
    text = _text_of(tree)
    response = rb.get(f"/sales/opportunities?$top=80&$filter={quote(text)}")
    assert response.status_code == 200, (text, response.content)
    got = {item["salesOpportunityId"] - 100000 for item in response.json()["salesOpportunities"]}
    expected = {row.pk for row in rows if _python(tree, row)}
    assert got == expected, text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.sampled_from(list("()',. -0123456789aeqnltgindorTitlePrbyValue$")),
        max_size=40,
    )
    | st.lists(st.sampled_from(["Title", "eq", "'x'", "(", ")", "and", "in", "null", "9" * 30,
                                "ExpectedCloseDate", "'2026-02-30'", "CreatedAt", "lt"]),
               max_size=8).map(" ".join)
)  # fmt: skip
def test_any_filter_over_http_is_a_200_or_a_400_never_a_500(rb, rows, text):
    response = rb.get(f"/sales/opportunities?$filter={quote(text)}")
    assert response.status_code in (200, 400), (text, response.content)
