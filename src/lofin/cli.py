"""The `lofin` command: Django's management commands under one name, with the project's settings.

    lofin serve [--port N]              serve all six services (gunicorn, task worker, message simulator)
    lofin migrate                       create or update the database schema
    lofin demo load --size SIZE         load deterministic demo data (tiny, small, large)
    lofin demo users [--json]           list the demo accounts
    lofin governments list [--json]     the 243 local governments
    lofin audit verify [--government CODE]
    lofin token create USERNAME         print a new API token
    lofin notifications send            send every due e-mail/SMS/알림톡 now
    lofin pb solve FILE.pb --rule RULE [--sat SAT] [--explain] [--write OUT.pb] [--json]
                                        participatory-budgeting winners, without a database (see `lofin pb -h`)
    lofin accounting export-beancount --government CODE --year YEAR --out FILE
    lofin accounting trial-balance --government CODE --year YEAR [--json]

Any other Django command works too (`lofin check`, `lofin createsuperuser`, ...); `lofin help COMMAND` shows its
options, `lofin help --commands` lists them all.
"""

from __future__ import annotations

import os
import signal
import sys


def _quiet_on_closed_pipe() -> None:
    """`lofin --help | head` ends quietly, as Unix tools do, instead of with a BrokenPipeError. Only for the commands
    that write to a terminal or a pipe: a server must not die of a client's closed socket."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) < 2 or args[1] in {"-h", "--help"} or args[1:] == ["help"]:
        # this help, and `lofin pb`, load neither Django nor the project: they answer in a fraction of a second
        _quiet_on_closed_pipe()
        print(__doc__)
        return
    if args[1] == "pb":
        # lazy: the voting engine loads only for `lofin pb`, which needs no database and no Django
        _quiet_on_closed_pipe()
        # The counts use integer numpy arrays, never BLAS: OpenBLAS's thread pool, started when numpy loads, would only
        # cost start-up (about 0.05 s of a 0.6 s count of 100,000 ballots on two cores). Set before numpy loads.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from lofin.participation.voting.cli import main as pb_main  # noqa: PLC0415, RUF100

        sys.exit(pb_main(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofin.settings")
    # lazy: Django and the whole project load only for the commands that need them (seconds, not milliseconds)
    from django.core.management import execute_from_command_line  # noqa: PLC0415, RUF100

    execute_from_command_line(["lofin", *args[1:]])


if __name__ == "__main__":
    main()
