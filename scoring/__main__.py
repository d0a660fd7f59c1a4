"""Entry point for `python -m scoring`."""

import os
import sys

from scoring.cli.main import main

try:
    sys.exit(main())
except BrokenPipeError:
    # Output piped into `head` and closed early: not an error for the user.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)
