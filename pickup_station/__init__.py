"""pickup-station: the counter software of a community group-buying pickup point."""

__version__ = "0.1.0"
