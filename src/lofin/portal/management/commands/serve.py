"""`lofin serve`: the web server (gunicorn), the background task worker, the retry sweeper for messages and,
unless a real gateway is configured, the local SMS/알림톡 and identity-check simulators, started together and stopped
together."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Command(BaseCommand):
    help = "Serve all six services on http://HOST:PORT (default 127.0.0.1:$PORT or 8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LOFIN_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("LOFIN_WEB_THREADS", "4")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the background task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        env = os.environ.copy()
        env.setdefault("DJANGO_SETTINGS_MODULE", "lofin.settings")
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        metrics_dir = settings.VAR_DIR / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True, exist_ok=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        python = sys.executable
        children: list[subprocess.Popen[bytes]] = []

        if not settings.LOFIN_SMS_URL:
            port = free_port()
            env["LOFIN_SMS_URL"] = f"http://127.0.0.1:{port}"
            children.append(
                subprocess.Popen([python, "-m", "lofin.gateway.simulators.sens", "--port", str(port)], env=env)
            )
        if not settings.LOFIN_IDENTITY_URL:
            # The identity-check simulator sends its codes through the SMS gateway (the simulator above, by default).
            port = free_port()
            env["LOFIN_IDENTITY_URL"] = f"http://127.0.0.1:{port}"
            children.append(
                subprocess.Popen([python, "-m", "lofin.gateway.simulators.identity", "--port", str(port)], env=env)
            )
        if not options["no_worker"]:
            children.append(subprocess.Popen([python, "-m", "lofin.cli", "db_worker"], env=env))
            children.append(subprocess.Popen([python, "-m", "lofin.cli", "notifications", "send", "--loop"], env=env))
        bind = f"{options['host']}:{options['port']}"
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "lofin.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            env=env,
        )
        children.append(web)
        self.stdout.write(f"Lofin is serving on http://{bind}/ (Ctrl-C to stop)")

        def stop(*_args: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(c.poll() is None for c in children):
                time.sleep(0.5)
        finally:
            stop()
            deadline = time.time() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    child.kill()
        if web.returncode not in (0, -signal.SIGTERM, None):
            sys.exit(web.returncode)
