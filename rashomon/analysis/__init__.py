"""Analysis: recognise leader calls, pair the sides' accounts, compare them by topic."""
