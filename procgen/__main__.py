"""``python -m procgen`` is the ``procgen`` command."""

from procgen.cli import main

raise SystemExit(main())
