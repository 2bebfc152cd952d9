"""What a column can hold, read from the model field, for the services' validation.

PostgreSQL refuses text longer than a varchar and integers outside the column's range (a
DataError: a 500), SQLite stores them anyway. The services check with these helpers, so both
databases answer the same 400 naming the parameter."""

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from core.errors import InvalidInput


def max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def check_length(model: type[models.Model], name: str, value: str) -> str:
    """`value` if it fits the `name` column of `model`, else a 400 naming that field."""
    limit = max_length(model, name)
    if limit is not None and value is not None and len(value) > limit:
        raise InvalidInput(
            "{field} has at most {limit} characters.",
            field=name,
            entity=model._meta.model_name,
            limit=limit,
        )
    return value


def integer_range(model: type[models.Model], name: str) -> tuple[int, int]:
    """The range of an integer column, as Django documents it for every database (the same
    on SQLite, which would store more)."""
    internal_type = model._meta.get_field(name).get_internal_type()
    return BaseDatabaseOperations.integer_field_ranges[internal_type]


def check_integer(model: type[models.Model], name: str, value: int) -> int:
    """`value` if the `name` column of `model` can hold it, else a 400 naming that field."""
    low, high = integer_range(model, name)
    if value is not None and not low <= value <= high:
        raise InvalidInput(
            "{field} must be between {low} and {high}.",
            field=name,
            entity=model._meta.model_name,
            low=low,
            high=high,
        )
    return value
