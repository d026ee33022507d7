"""Agents: their state (pure), its timeline in the database, the controller feature, the CLI.

``state.py`` and ``book.py`` are the pure domain (``mypy --strict``); ``feature.py`` plugs it
into the controller; ``store.py`` persists agents and their timeline; ``cli.py`` is
``callcenter agent ...`` / ``callcenter agents``; ``dialplan.py`` and ``provision.py`` shape
the Asterisk side (queues, feature codes, survey, added endpoints).
"""
