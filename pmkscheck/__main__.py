"""`python -m pmkscheck` runs the command-line interface."""

from pmkscheck.cli import main

main()
