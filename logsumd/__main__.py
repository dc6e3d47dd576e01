"""``python -m logsumd``."""

import sys

from logsumd.cli import main

sys.exit(main())
