"""The `$filter` language of contract §6, parsed by recursive descent into a small tree:

    expr    := conj ('or' conj)*
    conj    := atom ('and' atom)*
    atom    := '(' expr ')' | field op (literal | field)
             | field 'in' '(' literal (',' literal)* ')'
             | startswith(field, 'text') | endswith(field, 'text')
             | substringof('text', field) | substringof(field, 'text')
    literal := 'text' | number | null        (a quote inside text is written '')

Keywords and function names are case-insensitive; `not`, other functions, macros and named
filters are refused. A refusal is a `FilterError` naming the piece at fault."""

import re
from dataclasses import dataclass
from decimal import Decimal

MAX_LENGTH = 4000
MAX_DEPTH = 20
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
FUNCTIONS = ("startswith", "endswith", "substringof")


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Literal:
    value: str | Decimal | None  # text, a number, or None for null

    @property
    def kind(self) -> str:
        if self.value is None:
            return "null"
        return "number" if isinstance(self.value, Decimal) else "text"


@dataclass(frozen=True)
class FieldRef:
    name: str


@dataclass(frozen=True)
class Compare:
    field: FieldRef
    op: str
    operand: Literal | FieldRef


@dataclass(frozen=True)
class In:
    field: FieldRef
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Call:
    function: str
    field: FieldRef
    text: Literal


@dataclass(frozen=True)
class Or:
    terms: tuple


@dataclass(frozen=True)
class And:
    terms: tuple


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*'?)
      | (?P<number>-?\d+(?:\.\d+)?(?![A-Za-z0-9_.]))
      | (?P<name>[A-Za-z_$][A-Za-z0-9_.]*)
      | (?P<punct>[(),])
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string, number, name, punct, end
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:  # only trailing white space
            break
        kind = match.lastgroup
        value = match.group(kind)
        start = match.start(kind)
        if kind == "other":
            raise FilterError(f"unexpected '{value}' at position {start + 1}")
        if kind == "string" and (len(value) < 2 or not value.endswith("'") or _odd_end(value)):
            raise FilterError(f"unterminated text starting at position {start + 1}")
        tokens.append(Token(kind, value, start))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _odd_end(value: str) -> bool:
    """Whether the quotes closing `value` (after its opening quote) are an escaped quote."""
    body = value[1:]
    trailing = len(body) - len(body.rstrip("'"))
    return trailing % 2 == 0


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def keyword(self, *words: str) -> str | None:
        token = self.current
        if token.kind == "name" and token.text.lower() in words:
            self.index += 1
            return token.text.lower()
        return None

    def expect(self, text: str) -> None:
        token = self.advance()
        if token.text != text:
            raise FilterError(f"expected '{text}' at position {token.position + 1}{_near(token)}")

    def parse(self):
        tree = self.expression()
        if self.current.kind != "end":
            token = self.current
            raise FilterError(f"unexpected '{token.text}' at position {token.position + 1}")
        return tree

    def expression(self):
        terms = [self.conjunction()]
        while self.keyword("or"):
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def conjunction(self):
        terms = [self.atom()]
        while self.keyword("and"):
            terms.append(self.atom())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def atom(self):
        token = self.current
        if token.text == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FilterError(f"more than {MAX_DEPTH} nested parentheses")
            self.advance()
            inner = self.expression()
            self.expect(")")
            self.depth -= 1
            return inner
        if token.kind != "name":
            raise FilterError(f"expected a field at position {token.position + 1}{_near(token)}")
        lowered = token.text.lower()
        if lowered == "not":
            raise FilterError("'not' is not supported")
        following = self.tokens[self.index + 1]
        if following.text == "(":
            if lowered not in FUNCTIONS:
                raise FilterError(f"unknown function '{token.text}'")
            return self.call(lowered)
        if lowered in ("and", "or", "null", *COMPARISONS, "in"):
            raise FilterError(
                f"expected a field at position {token.position + 1}, not '{token.text}'"
            )
        field = FieldRef(self.advance().text)
        op_token = self.current
        op = self.keyword(*COMPARISONS, "in")
        if op is None:
            raise FilterError(
                f"expected an operator (eq ne lt le gt ge in) after '{field.name}'{_near(op_token)}"
            )
        if op == "in":
            return self.membership(field)
        return Compare(field, op, self.operand())

    def membership(self, field: FieldRef) -> In:
        self.expect("(")
        values = [self.literal()]
        while self.current.text == ",":
            self.advance()
            values.append(self.literal())
        self.expect(")")
        return In(field, tuple(values))

    def operand(self) -> Literal | FieldRef:
        token = self.current
        if token.kind == "name" and token.text.lower() != "null":
            if token.text.lower() in ("and", "or", "not", *COMPARISONS, "in"):
                raise FilterError(f"expected a value at position {token.position + 1}")
            self.advance()
            return FieldRef(token.text)
        return self.literal()

    def literal(self) -> Literal:
        token = self.advance()
        if token.kind == "string":
            return Literal(token.text[1:-1].replace("''", "'"))
        if token.kind == "number":
            return Literal(Decimal(token.text))
        if token.kind == "name" and token.text.lower() == "null":
            return Literal(None)
        raise FilterError(f"expected a value at position {token.position + 1}{_near(token)}")

    def call(self, function: str) -> Call:
        self.advance()
        self.expect("(")
        first = self.operand()
        self.expect(",")
        second = self.operand()
        self.expect(")")
        if function == "substringof" and isinstance(first, Literal):
            first, second = second, first  # substringof('text', field): either order
        if not isinstance(first, FieldRef) or not isinstance(second, Literal):
            raise FilterError(f"{function} takes a field and a quoted text")
        return Call(function, first, second)


def _near(token: Token) -> str:
    return f" (near '{token.text[:30]}')" if token.text else " (at the end)"


def parse_filter(text: str):
    """The tree of `text`, or None for an empty filter."""
    if len(text) > MAX_LENGTH:
        raise FilterError(f"longer than {MAX_LENGTH} characters")
    if not text.strip():
        return None
    return _Parser(text).parse()
