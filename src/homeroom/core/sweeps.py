"""Running the sweep jobs modules register (core.registry.SweepJob)."""

import logging

from django.db import close_old_connections

from homeroom.core.registry import registry

logger = logging.getLogger(__name__)


def run_sweeps(*, at_worker_start: bool = False) -> list[str]:
    """Run every registered job (with `at_worker_start`, those that run when a worker
    starts), each on its own: one that fails is logged and the others still run."""
    lines = []
    for job in registry.sweeps:
        if at_worker_start and not job.at_worker_start:
            continue
        try:
            lines.append(f"{job.name}: {job.run()}")
        except Exception:
            logger.exception("The sweep job %s failed", job.name)
            lines.append(f"{job.name}: failed, see the log")
            close_old_connections()
    return lines
