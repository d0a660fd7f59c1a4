"""Entry point for `python -m scoring`.

`python -m scoring ... | head` closes the pipe early; that is the reader
saying "enough", not an error.  The write that meets the closed pipe may come
from any command, mid-CSV or at the final flush when the interpreter exits,
so the whole run and the flush sit under one handler: stdout is pointed at
/dev/null (so the exit-time flush has nowhere to fail) and the exit code is 0.
Logging stays silent unless HEALTH_STUDIO_DEBUG is set: a raw engine message
or server path is never printed by default.
"""

import logging
import os
import sys

from scoring.cli.main import main


def _quiet_stdout() -> None:
    """Send whatever is still buffered for stdout to /dev/null, so the interpreter's last flush succeeds."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def run() -> int:
    if os.environ.get("HEALTH_STUDIO_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    else:
        logging.getLogger("scoring").addHandler(logging.NullHandler())
        logging.getLogger("scoring").propagate = False
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    return code


if __name__ == "__main__":
    sys.exit(run())
