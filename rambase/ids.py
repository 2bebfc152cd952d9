"""RamBase ids are the product's primary keys plus fixed offsets (contract §2): RamBase's
minimums are met without a migration, both APIs address the same row, and the offsets are
constants, not settings, so stored links never break."""

OPPORTUNITY = 100_000
STAGE = 100_000
CONTACT = 10_000  # contacts and customers: one table, companies and persons
EMPLOYEE = 100
MAX_KEY = 2**31 - 1  # larger ids name no row (and SQLite cannot take them as parameters)


def to_rambase(pk: int | None, offset: int) -> int | None:
    return None if pk is None else pk + offset


def to_pk(rambase_id: int, offset: int) -> int | None:
    """The primary key, or None when the id is below its minimum."""
    return rambase_id - offset if rambase_id >= offset else None
