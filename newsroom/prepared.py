"""Hot statements written out, prepared once a database session on PostgreSQL.

A path that runs one statement and runs it often (a publish's record entry, an
article page's story) skips the ORM's compiling and, prepared, the planner: each
cost about as much as running such a statement. Elsewhere (SQLite) the statement
runs as it is.
"""

from collections.abc import Callable

from django.db import connection as default_connection
from django.db.models import Field


def one_row(
    name: str, statement: Callable[[str], str], value, connection=default_connection
) -> tuple | None:
    """The row of `statement(placeholder)` on `connection`, its one parameter `value`
    written as `placeholder` wherever the statement needs it; prepared as `name`."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = statement("%s")
            cursor.execute(sql, [value] * sql.count("%s"))
            return cursor.fetchone()
        # Prepared statements last as long as the database session, whatever
        # becomes of the transaction that made them.
        session, names = getattr(connection, "prepared_statements", (None, set()))
        if session is not connection.connection:
            session, names = connection.connection, set()
            connection.prepared_statements = session, names
        if name not in names:
            cursor.execute(f"PREPARE {name} AS {statement('$1')}")
            names.add(name)
        cursor.execute(f"EXECUTE {name} (%s)", [value])
        return cursor.fetchone()


def converters(
    fields: list[Field], alias: str, connection=default_connection
) -> list[tuple[Field, list]]:
    """What the ORM applies to each of `fields`' values read from `alias`, as its
    compiler would (SQLite's times are text, for one)."""
    found = []
    for field in fields:
        column = field.get_col(alias)
        found.append(
            (
                column,
                connection.ops.get_db_converters(column)
                + field.get_db_converters(connection),
            )
        )
    return found


def converted(values, fields_converters, connection=default_connection) -> list:
    """`values` as the model holds them (converters() says how)."""
    result = []
    for value, (column, each) in zip(values, fields_converters, strict=True):
        for convert in each:
            value = convert(value, column, connection)
        result.append(value)
    return result
