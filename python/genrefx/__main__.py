"""``python -m genrefx``: the same as the ``genrefx`` command (see :mod:`genrefx.cli`)."""

import sys

from .cli import main

sys.exit(main())
