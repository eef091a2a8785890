"""segmenta: a terminal assistant for e-commerce marketers over a DuckDB warehouse."""

__version__ = "0.1.0"
