"""python -m cchc: the measures core on the command line (see cchc/cli.py)."""

from cchc.cli import main

main()
