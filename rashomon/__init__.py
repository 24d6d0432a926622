"""Rashomon: compare two governments' readouts of the same leader call and alert on divergence.

Data flows one way: sources (config) → spiders (crawler/) → store → matcher → divergence →
alerts (alerts/). `rashomon.cli` is the one composition root that wires them together.
"""

__version__ = "0.1.0"
