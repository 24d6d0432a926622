"""Tables and queries for recognised calls (owned by the analysis)."""
