"""`python -m tagger`: the same command line as the `tagger` command."""

from tagger.cli.app import main

main()
