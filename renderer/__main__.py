"""``python -m renderer`` and the ``landscape`` command: the CLI in a process of its own."""

import gc
import os
import sys
from typing import NoReturn


def run() -> NoReturn:
    """Run the CLI as a one-shot process: without the cyclic garbage collector (a render makes
    no cycles worth collecting; its passes cost ~7 ms; ``landscape watch``, which keeps
    running, turns it back on), and ending without the interpreter's teardown (~10 ms of
    freeing every object and module): by then every output and cache file is written and
    closed and no worker thread or process is left, so only the standard streams need flushing."""
    gc.disable()
    from .cli import main

    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (``landscape … | head``): nothing more can be shown
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
