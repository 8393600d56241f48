"""handouts: clinic-branded patient handouts as deterministic PDFs."""

__version__ = "0.1.0"
