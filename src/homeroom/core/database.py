"""Database upkeep that is the same on SQLite and PostgreSQL."""

from django.db import connection


def refresh_planner_statistics() -> None:
    """Tell the query planner how large each table and index is (ANALYZE). PostgreSQL's
    autovacuum does this by itself over time; SQLite never does, and without statistics it
    may read all of a site's tickets through a one-column index instead of using the index
    that matches the query and its order."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
