"""Rashomon: compare two governments' readouts of the same leader call and alert on divergence.

Data flows one way: sources (config) → spiders (crawler/) → store → matcher → divergence →
alerts (alerts/). `rashomon.app` is the one composition root that builds and wires them;
`rashomon.cli` drives it. The allowed imports between the layers are written down, and
checked, in pyproject.toml (`[tool.importlinter]`).
"""

__version__ = "0.1.0"
