"""The hotline menu written as plain dialplan: the peer ``bench/ivr_load.py`` measures against.

``[bench-dialplan-menu]`` in ``asterisk-conf/extensions.conf.j2`` is rendered from the same
menu file the controller runs (``ivr/menus/hotline.toml`` unless ``ivr_menu`` says otherwise)
and plays the same prompt files: the language node, then the main node, ``Read()`` for the
keys, ``Playback()`` of the ``say`` prompt, then the same ``[cc-queue]`` the IVR hands over
to. Steps are reported with the same ``UserEvent(IvrStep)`` the controller sends, so both
sides are logged alike. Only the language choices and the main node's queue and repeat keys
are rendered (what a plain dialplan can do without the controller: no ticket lookup, no
VIP or blocked lists, no business hours); any other key counts as invalid.
"""

from __future__ import annotations

from typing import Any

from callcenter.config import Settings
from ivr.menu import ActionKind, Menu
from ivr.menu_load import SHIPPED_MENUS, load_menu

# The number the benchmark dials (from the pstn trunk) to reach the plain-dialplan menu.
BENCH_MENU_EXTENSION = "8090"


def prompts_dir(settings: Settings, dirs: dict[str, str]) -> str:
    """Where the IVR prompts are as Asterisk sees them (as ``ivr_setup.prompt_folders``)."""
    if settings.prompts_dir is not None:
        return str(settings.prompts_dir)
    return f"{dirs['astvarlibdir']}/sounds/callcenter"


def _menu_context(menu: Menu, queues: dict[str, str]) -> dict[str, Any]:
    start, main = menu.nodes[menu.start], menu.nodes[menu.main]
    languages = [
        {"digit": digit, "language": action.language}
        for digit, action in sorted(start.options.items())
        if action.kind is ActionKind.LANGUAGE and action.target == menu.main
    ]
    silence = start.on_silence
    routes = [
        {"digit": digit, "queue": queues[action.queue], "say": action.say or ""}
        for digit, action in sorted(main.options.items())
        if action.kind is ActionKind.QUEUE and action.queue in queues
    ]
    repeat = [d for d, a in sorted(main.options.items()) if a.kind is ActionKind.REPEAT]
    failure = main.on_failure
    fallback_queue = failure.queue if failure.kind is ActionKind.QUEUE else None
    return {
        "start": start.name,
        "start_timeout": round(start.timeout),
        "start_tries": start.max_tries,
        "silence_language": silence.language if silence is not None else menu.default_language,
        "languages": languages,
        "main": main.name,
        "main_timeout": round(main.timeout),
        "main_tries": main.max_tries,
        "routes": routes,
        "repeat": repeat,
        "fallback_queue": queues.get(fallback_queue or "", next(iter(queues.values()))),
        "fallback_say": failure.say or "",
        "default_language": menu.default_language,
    }


def render_context(settings: Settings, dirs: dict[str, str]) -> dict[str, Any]:
    menu = load_menu(settings.ivr_menu or SHIPPED_MENUS / "hotline.toml")
    return {
        "bench_menu": {
            "extension": BENCH_MENU_EXTENSION,
            "prompts": prompts_dir(settings, dirs),
            **_menu_context(menu, settings.asterisk_queues),
        }
    }
