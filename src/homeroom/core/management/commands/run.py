import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from homeroom.core.database import refresh_planner_statistics
from homeroom.core.models import Site


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """gunicorn with threaded workers: a connection that is idle or sends slowly waits in
    the worker's poller instead of holding a worker, so a few such clients cannot stall
    everyone else, as they did with the one-request-at-a-time sync workers."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "homeroom.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "8",
        # A request running longer than this is stuck: its worker is restarted.
        "--timeout",
        "60",
        "--keep-alive",
        "5",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        "--no-control-socket",
    ]


class Command(BaseCommand):
    help = (
        "Apply migrations, load the demo district into an empty database, then serve Homeroom "
        "with gunicorn, one background task worker and the periodic sweep until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Do not load the demo district into an empty database.",
        )

    def handle(self, *args, host, port, workers, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo and not Site.objects.exists():
            call_command("demo", stdout=self.stdout)
        refresh_planner_statistics()
        # Each child runs in a process group of its own, so a terminal's Ctrl-C reaches only
        # this command, which stops them one by one: the task worker handles SIGINT itself,
        # and a second signal while it exits would end it with a traceback.
        children = [
            subprocess.Popen(gunicorn_command(host, port, workers), process_group=0),
            subprocess.Popen(
                [sys.executable, "-m", "homeroom.cli", "db_worker", "--interval", "0.5"],
                process_group=0,
            ),
            # Every module's periodic housekeeping (`homeroom sweep`), every five minutes.
            subprocess.Popen(
                [sys.executable, "-m", "homeroom.cli", "sweep", "--every", "300"],
                process_group=0,
            ),
        ]
        self.stdout.write(
            self.style.SUCCESS(
                f"Homeroom is running at http://{host}:{port}/ (data in {settings.DATA_DIR}). "
                "Press Ctrl-C to stop."
            )
        )

        def interrupt(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, interrupt)
        signal.signal(signal.SIGHUP, interrupt)  # the terminal closed: stop the children too
        interrupted = False
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            interrupted = True
            self.stdout.write("Stopping Homeroom…")
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        if not interrupted:
            self.stderr.write("A Homeroom process stopped unexpectedly; see the log above.")
            sys.exit(1)
