"""Registers the admin sections (agents, queues, menus, hours) under the ``admin``
blueprint, so their endpoints are ``admin.<section>.<view>`` and every rule that holds for
``admin`` pages (admins only, CSRF, covered by the route-walking tests) holds for them.
Imported once by ``web`` (a blueprint can be nested only once)."""

from __future__ import annotations

from web import admin_agents, admin_hours, admin_menus, admin_queues
from web.admin import bp
from web.admin_common import init_admin_sections

__all__ = ["init_admin_sections"]

for section in (admin_agents.bp, admin_queues.bp, admin_menus.bp, admin_hours.bp):
    bp.register_blueprint(section)
