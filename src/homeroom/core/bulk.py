"""Multi-row INSERT and UPDATE statements for values that are already clean, for imports.

They skip Django's per-object machinery (bulk_create prepares every value of every row
through the field machinery, which costs more than the database at import sizes); they also
remember each column's converted values, since an import writes the same timestamp into
hundreds of thousands of rows (created_at, updated_at, checked_out_at, the audit events' at)
and converting a datetime for SQLite costs more than inserting it."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

BATCH = 2000


def batched(items: Iterable, size: int = BATCH) -> Iterable[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


class _Adapter:
    """Converts one field's values for the database, remembering hashable ones."""

    def __init__(self, field):
        self.field = field
        self.kind = field.get_internal_type()
        self.memo: dict = {}

    def __call__(self, value):
        if value is None or self.kind in AS_IS:
            return value
        if self.kind == "JSONField":
            if not value:  # {} or []: one conversion serves every row
                key = type(value)
                if key not in self.memo:
                    self.memo[key] = self.field.get_db_prep_save(value, connection)
                return self.memo[key]
            return self.field.get_db_prep_save(value, connection)
        try:
            return self.memo[value]
        except KeyError:
            adapted = self.memo[value] = self.field.get_db_prep_save(value, connection)
            if len(self.memo) > 100_000:
                self.memo.clear()
            return adapted


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT rows of `model` given as {attname: value}; missing fields take their default."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = []
    for field in fields:
        adapt = _Adapter(field)
        columns.append(
            (field.attname, None if adapt.kind in AS_IS else adapt, adapt(field.get_default()))
        )
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    missing = object()
    values = [
        [
            default
            if (value := row.get(name, missing)) is missing
            else (value if adapt is None or value is None else adapt(value))
            for name, adapt, default in columns
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY takes rows several times faster than an INSERT per row, even pipelined.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for line in values:
                    copy.write_row(line)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)


def update_rows(model, rows: list[tuple[int, dict]]) -> None:
    """UPDATE rows of `model` given as (pk, {attname: value}); one statement per set of
    fields, run for all its rows at once (PostgreSQL: UPDATE … FROM VALUES, 1,000 at a time)."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    groups: dict[tuple[str, ...], list[tuple[int, dict]]] = defaultdict(list)
    for pk, values in rows:
        groups[tuple(sorted(values))].append((pk, values))
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for names, items in groups.items():
            columns = [fields[name] for name in names]
            adapters = [_Adapter(field) for field in columns]
            params = [
                [
                    adapt(values[field.attname])
                    for field, adapt in zip(columns, adapters, strict=True)
                ]
                + [pk]
                for pk, values in items
            ]
            if not postgres:
                sql = (
                    f"UPDATE {table} SET "
                    + ", ".join(f"{quote(field.column)} = %s" for field in columns)
                    + f" WHERE {key} = %s"
                )
                cursor.executemany(sql, params)
                continue
            casts = [field.cast_db_type(connection) for field in columns]
            casts.append(model._meta.pk.cast_db_type(connection))
            row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
            aliases = ", ".join([*(f"c{n}" for n in range(len(columns))), "pk"])
            assignments = ", ".join(
                f"{quote(field.column)} = v.c{n}" for n, field in enumerate(columns)
            )
            for batch in batched(params, 1000):
                cursor.execute(
                    f"UPDATE {table} SET {assignments} FROM (VALUES "
                    + ", ".join([row] * len(batch))
                    + f") AS v({aliases}) WHERE {table}.{key} = v.pk",
                    [value for line in batch for value in line],
                )
