"""Rashomon's packaged default configuration: data only (the TOML files beside this one)."""
