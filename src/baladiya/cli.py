"""The ``baladiya`` command: ``demo``, ``serve`` and ``manage``."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any


def _setup(env: str | None = None) -> None:
    if env:
        os.environ.setdefault("BALADIYA_ENV", env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.config.settings")
    import django

    django.setup()


def _gunicorn(bind: str, workers: int, *, access_log: bool) -> None:
    from gunicorn.app.base import BaseApplication

    from baladiya.config.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", int(os.environ.get("GUNICORN_THREADS", "4")))
            self.cfg.set("timeout", int(os.environ.get("GUNICORN_TIMEOUT", "60")))
            self.cfg.set("worker_class", "gthread")
            if access_log:
                self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return application

    Server().run()


def cmd_demo(args: argparse.Namespace) -> None:
    if args.data_dir:
        os.environ["BALADIYA_DATA_DIR"] = str(Path(args.data_dir).expanduser().resolve())
    _setup("demo")
    from django.conf import settings
    from django.core.management import call_command

    print(f"Baladiya demo — data directory: {settings.DATA_DIR}")
    call_command("migrate", interactive=False, verbosity=0)
    print("Loading the demo municipality (the first time takes a minute)…")
    call_command("load_demo", profile=args.profile)
    url = f"http://127.0.0.1:{args.port}/"
    print()
    print(f"  Open {url}  (Arabic; switch to English at the top of the page)")
    print(f"  Staff back office: {url}staff/   API: {url}api/docs/")
    print(f"  Every demo login above uses the password: {settings.BALADIYA_DEMO_PASSWORD}")
    print()
    if args.no_serve:
        return
    _gunicorn(f"127.0.0.1:{args.port}", args.workers, access_log=False)


def cmd_serve(args: argparse.Namespace) -> None:
    _setup()
    from django.core.management import call_command

    if not args.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    workers = args.workers or int(
        os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1))
    )
    access_log = os.environ.get("ACCESS_LOG", "true").lower() not in ("0", "false", "no")
    _gunicorn(args.bind or os.environ.get("BIND", "0.0.0.0:8000"), workers, access_log=access_log)


def cmd_worker(args: argparse.Namespace) -> None:
    """A Celery worker (and, with --beat, the scheduler of periodic jobs)."""
    _setup()
    from django.conf import settings

    from baladiya.config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Set CELERY_BROKER_URL first: without a broker, tasks run in-process.")
    argv = [
        "worker",
        "--loglevel",
        os.environ.get("LOG_LEVEL", "INFO"),
        "--concurrency",
        str(args.concurrency),
    ]
    if args.beat:
        argv += ["--beat", "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")]
    app.worker_main(argv)


def cmd_manage(argv: list[str]) -> None:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["baladiya manage", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        cmd_manage(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="baladiya", description="Baladiya municipal system")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="set up and serve a demo municipality")
    demo.add_argument("--profile", default="taffouh", choices=["taffouh", "qatif"])
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--data-dir", help="where to keep the demo's database and files")
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--no-serve", action="store_true", help="set up only, do not serve")
    demo.set_defaults(func=cmd_demo)
    serve = sub.add_parser("serve", help="run the production server (gunicorn)")
    serve.add_argument("--bind", help="address:port (default $BIND or 0.0.0.0:8000)")
    serve.add_argument("--workers", type=int, help="default $WEB_CONCURRENCY or 2×cores+1")
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.add_argument("--no-collectstatic", action="store_true")
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="run a background worker (Celery)")
    worker.add_argument("--beat", action="store_true", help="also schedule periodic jobs")
    worker.add_argument("--concurrency", type=int, default=multiprocessing.cpu_count())
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("manage", help="run a Django management command")
    args = parser.parse_args(argv)
    args.func(args)
