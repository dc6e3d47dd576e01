"""logsumd: tail ETL logs, assemble error events, summarize them with a local model."""

__version__ = "0.1.0"
