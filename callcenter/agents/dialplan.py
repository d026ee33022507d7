"""What the Asterisk templates need to know about queues, agents, transfers and the survey.

``render_context`` is merged into the sandbox's template context (``config_render``). The
dialplan it feeds (``asterisk-conf/extensions.conf.j2``):

* ``[cc-queue]``: every caller waits through here (hotline after the IVR, direct numbers,
  transfers to a queue): Queue options ``r`` (ring tone), ``t`` (the agent may transfer),
  ``c`` (go on when the agent hangs up: the survey); after ``overflow_seconds`` the caller
  moves on to the ``overflow_to`` queue.
* ``[cc-survey]``: the caller keys 1-5 in their language; ``UserEvent(Csat,Score: N)``.
* ``[cc-agent-codes]``: the agents' feature codes, *11 login, *12 logout, *13 pause toggle.
"""

from __future__ import annotations

from typing import Any

from callcenter.agents.queue_sounds import queue_prompts_dir
from callcenter.config import OVERFLOW_ACTIONS, Settings

# Feature codes an agent dials from the phone (documented in docs/agents.md and the README).
FEATURE_CODES = {"*11": "login", "*12": "logout", "*13": "pause"}
PAUSE_REASON_FROM_PHONE = "phone"
SURVEY_PROMPTS = ("survey", "survey-thanks")
# An extra (``callcenter agent add``) agent's endpoint and dialplan, included by the templates.
PJSIP_EXTRA = "pjsip_agents_extra.conf"
DIALPLAN_EXTRA = "extensions_agents_extra.conf"


def survey_prompts_dir(dirs: dict[str, str]) -> str:
    """Where the survey prompts are, as Asterisk sees it (``<dir>/<lang>/survey.wav``)."""
    return f"{dirs['astvarlibdir']}/sounds/callcenter-survey"


def queue_app_options(settings: Settings, name: str) -> str:
    """Options of ``Queue()``: ring tone, the agent may transfer, continue for the survey."""
    return "rtc" if settings.queue(name).survey else "rt"


def render_context(settings: Settings, dirs: dict[str, str]) -> dict[str, Any]:
    asterisk = settings.asterisk_queues
    queue_options = []
    for name in settings.queues:
        queue = settings.queue(name)
        queue_options.append(
            {
                **queue.model_dump(),
                "name": name,
                "asterisk_name": asterisk[name],
                "app_options": queue_app_options(settings, name),
                # Another queue (its app_queue name), or a [cc-overflow] extension.
                "overflow_to": asterisk.get(queue.overflow_to, ""),
                "overflow_action": (
                    queue.overflow_to if queue.overflow_to in OVERFLOW_ACTIONS else ""
                ),
            }
        )
    callbacks = settings.callbacks
    return {
        "queue_options": queue_options,
        "survey_prompts": survey_prompts_dir(dirs),
        "queue_prompts": queue_prompts_dir(dirs),
        "voicemail_dir": f"{dirs['astspooldir']}/callcenter/voicemail",
        "callback_agent_wait": callbacks.agent_wait_seconds,
        "callback_ring": callbacks.customer_ring_seconds,
        "blind_transfer_code": settings.blind_transfer_code,
        "attended_transfer_code": settings.attended_transfer_code,
        "pause_reason_from_phone": PAUSE_REASON_FROM_PHONE,
        "pjsip_extra": PJSIP_EXTRA,
        "dialplan_extra": DIALPLAN_EXTRA,
    }
