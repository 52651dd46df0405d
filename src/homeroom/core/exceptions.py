class Conflict(Exception):
    """A write lost to a concurrent one or would break a one-at-a-time rule (HTTP 409)."""
