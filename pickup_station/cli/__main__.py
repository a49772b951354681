"""`python -m pickup_station.cli`: the same as `pickup-station-cli`."""

import sys

from pickup_station.cli import main

sys.exit(main())
