"""``python -m fmbom``: the same as the ``fmbom`` command."""

from fmbom.cli import main

raise SystemExit(main())
