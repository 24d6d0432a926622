"""Alerts: build one channel-neutral message per diverging call and deliver it through an outbox."""
