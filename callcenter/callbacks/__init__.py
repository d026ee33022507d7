"""Callbacks for callers who pressed * in a queue to keep their place (docs/agents.md).

``turns`` (pure) decides whose turn it is; ``store`` keeps the requests in the database so
they survive a restart; ``feature`` is the controller feature that takes the requests from
the dialplan, rings a free agent first and then calls the customer back through the trunk.
"""
