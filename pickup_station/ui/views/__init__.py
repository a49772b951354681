"""The window's screens (tabs): the counter, the arrival check, the figures."""
