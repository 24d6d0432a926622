"""Speed figures, run with `python -m benchmarks` (`make bench`); not part of the test suite."""
