"""The DuckDB warehouse: schema, import, demo shop, derived contact fields, config."""
