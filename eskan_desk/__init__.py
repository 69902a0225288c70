"""Eskan Desk: the offline-first front desk of a Saudi housing charity."""

__version__ = "0.1.0"
