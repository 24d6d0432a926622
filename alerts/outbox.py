"""The alert outbox: tables and queries (owned by the alerts)."""
