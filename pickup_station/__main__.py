"""`pickup-station` / `python -m pickup_station`: the counter app."""

import sys

from pickup_station.app import main as _main


def main() -> int:
    if "--self-test" in sys.argv[1:]:  # touches nothing of the station's own data
        from pickup_station import selftest

        return selftest.run()
    return _main()


if __name__ == "__main__":
    sys.exit(main())
