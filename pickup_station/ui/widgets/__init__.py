"""Widgets shared by views and dialogs (the camera panel: a preview with its worker)."""
