"""`pickup-station` / `python -m pickup_station`: the counter app."""

import sys

from pickup_station.app import main as _main


def main() -> int:
    return _main()


if __name__ == "__main__":
    sys.exit(main())
