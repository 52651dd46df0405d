"""`homeroom db_worker`: django-tasks' database worker, named host:pid:random so a task left
running by a worker that died can be told from one still at work, and running the sweep
jobs registered to run at worker start (an import whose worker died is marked failed)
before it takes its first task."""

from django_tasks_db.management.commands import db_worker

from homeroom.core.import_runs import worker_name
from homeroom.core.sweeps import run_sweeps


class Command(db_worker.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_name())

    def handle(self, *args, **options):
        for line in run_sweeps(at_worker_start=True):
            self.stdout.write(line)
        super().handle(*args, **options)
