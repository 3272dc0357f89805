"""Build or refresh the knowledge index: the same as ``inspire-bot ingest`` (``--rebuild`` too)."""

import sys

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["ingest", *sys.argv[1:]]))
