"""Claims with amounts and dates from Russian tech news."""

__version__ = "0.1.0"
