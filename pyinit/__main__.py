"""``python -m pyinit``: the command-line interface (see ``pyinit.cli``)."""

import sys

from .cli import main

sys.exit(main())
