"""`python3 -m web.cli`: the same as the `integraflow` command."""
from .commands import main

main()
