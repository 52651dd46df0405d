"""The numbers a column can hold. Forms and API schemas take their limits from here, so a
value that would not fit is refused with a message before anything is written: PostgreSQL
would refuse it mid-transaction, and SQLite would store it and then fail every time the row
is read back."""

from decimal import Decimal

from django.db.backends.base.operations import BaseDatabaseOperations


def integer_range(model, name: str) -> tuple[int, int]:
    """The smallest and largest value an integer column holds on every supported database
    (SQLite's integers have 64 bits, PostgreSQL's `integer` only 32)."""
    field = model._meta.get_field(name)
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


def largest_amount(model, name: str) -> Decimal:
    """The largest value a decimal column holds, e.g. 9999999.99 for 9 digits, 2 decimal."""
    field = model._meta.get_field(name)
    return Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(1).scaleb(
        -field.decimal_places
    )


LARGEST_ID = BaseDatabaseOperations.integer_field_ranges["BigAutoField"][1]
