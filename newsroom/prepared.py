"""Hot statements written out, prepared once a database session on PostgreSQL.

A path that runs one statement and runs it often (a publish's record entry, an
article page's story) skips the ORM's compiling and, prepared, the planner: each
cost about as much as running such a statement. Elsewhere (SQLite) the statement
runs as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db import DatabaseError
from django.db import connection as default_connection
from django.db.models import Field

# A statement the session lost or cannot use: gone (a pooler handed the query to
# another server session, or DISCARD ALL ran), made for columns a migration has
# since changed, or there already when this process thought it was not.
LOST = {"26000", "0A000", "42P05"}


@dataclass
class _Session:
    """What one database session has prepared."""

    raw: object  # the driver's connection: a new one is a new session
    prepared: set[str] = dataclass_field(default_factory=set)
    unsure: bool = False  # after a failure: drop every statement before preparing


def one_row(
    name: str, statement: Callable[[str], str], value, connection=default_connection
) -> tuple | None:
    """The row of `statement(placeholder)` on `connection`, its one parameter `value`
    written as `placeholder` wherever the statement needs it; prepared as `name`.

    The first call of a session prepares and runs it in one round trip. When the
    session has lost the statement, this call runs it written out and the next one
    prepares it afresh (inside a transaction this call fails instead, as the
    transaction cannot go on: the caller's retry succeeds).
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return _written_out(cursor, statement, value)
        session = getattr(connection, "prepared_session", None)
        if session is None or session.raw is not connection.connection:
            session = connection.prepared_session = _Session(connection.connection)
        run = f"EXECUTE {name} (%s)"
        if name not in session.prepared:
            run = f"PREPARE {name} AS {statement('$1')}; {run}"
            if session.unsure:
                run = f"DEALLOCATE ALL; {run}"
        try:
            cursor.execute(run, [value])
        except DatabaseError as error:
            if getattr(error.__cause__, "pgcode", None) not in LOST:
                raise
            session.prepared.clear()
            session.unsure = True
            if connection.in_atomic_block:
                raise
            return _written_out(cursor, statement, value)
        if session.unsure:
            session.prepared.clear()  # DEALLOCATE ALL ran
            session.unsure = False
        session.prepared.add(name)
        return cursor.fetchone()


def _written_out(cursor, statement: Callable[[str], str], value) -> tuple | None:
    sql = statement("%s")
    cursor.execute(sql, [value] * sql.count("%s"))
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
