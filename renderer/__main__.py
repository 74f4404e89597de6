"""``python -m renderer`` and the ``landscape`` command: the CLI in a process of its own."""

import gc
import sys


def run() -> int:
    """Run the CLI as a one-shot process, without the cyclic garbage collector: a render makes
    no cycles worth collecting and the collector's passes cost ~7 ms of a 0.15 s run
    (``landscape watch``, which keeps running, turns it back on)."""
    gc.disable()
    from .cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
