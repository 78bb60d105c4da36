"""Benchmarks of the recommender-systems series: ``python -m benchmarks`` (see README.md here).

Not tests and not part of the package: they print figures for the README's "Performance"
section. One module per benchmark (``cost``, ``training``, ``retrieval``, ``notebooks``),
each with ``run(cfg) -> str`` returning its markdown; ``run.main`` is the command.
"""
