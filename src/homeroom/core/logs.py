"""Logging filters named in settings.LOGGING."""

import logging


class RefusalsOnOneLine(logging.Filter):
    """Django logs a refused request (403 Forbidden, 400 Bad request) with the traceback of
    the exception that refused it. A refusal is an answer, not a fault in the code, so it is
    logged as its one line; server errors (500) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
