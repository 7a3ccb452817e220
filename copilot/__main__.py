"""``python -m copilot`` runs the CLI."""

from copilot.cli import main

raise SystemExit(main())
