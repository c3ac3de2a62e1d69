"""``python -m tocsin``: the ``tocsin`` command, where the script is not on the PATH."""

from tocsin.cli import main

main()
