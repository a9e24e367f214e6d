"""The ``guanxi`` command: Django's management commands with Guanxi's settings preset.

``guanxi serve`` is a friendlier name for ``runserver`` that honours ``PORT``; every other word is
passed to Django unchanged (``guanxi migrate``, ``guanxi demo``, ``guanxi token create ...``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    args = list(sys.argv if argv is None else argv)
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(args)
    except BrokenPipeError:
        # ``guanxi export contacts | head``: the reader left early; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
