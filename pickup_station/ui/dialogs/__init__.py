"""The window's dialogs: approvals and pickers, pairing, needs-attention, settings."""
