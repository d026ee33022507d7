"""What callers hear while they wait in a queue, in Chinese and English.

Two sets, both built with the IVR's prompt machinery (``ivr.prompt_build``: espeak-ng + sox,
8 kHz mono, rebuilt only when the text changes) at every ``callcenter sandbox up``:

* the desk's own queue prompts (keep your place, overflow to voicemail or callback) in
  ``<astvarlibdir>/sounds/callcenter-queue/<lang>/<id>.wav``, played by the dialplan with the
  caller's language in the path;
* a Chinese set of the sounds app_queue itself plays for position and expected-wait
  announcements (``queue-thereare`` …, and the ``digits/*`` its Chinese number syntax uses),
  in ``<astdatadir>/sounds/zh/``: Asterisk picks them for a channel whose
  ``CHANNEL(language)`` is ``zh`` (the IVR sets it). Debian ships no Chinese core sounds;
  English ones come from ``asterisk-core-sounds-en``.
"""

from __future__ import annotations

from pathlib import Path

from ivr.prompt_build import PromptJob, build, check_tools

QUEUE_PROMPTS: dict[str, dict[str, str]] = {
    "zh": {
        "keep-place": "如您不想继续等候，请按星号键挂机，"
        "我们会保留您的排队位置，轮到您时给您回电。",
        "keep-place-ok": "已为您保留排队位置，轮到您时我们会给您回电。再见。",
        "overflow-voicemail": "很抱歉，坐席仍然繁忙。请在提示音后留言，按井号键结束。",
        "overflow-callback": "很抱歉，坐席仍然繁忙。我们已记录您的回电请求，将尽快给您回电。再见。",
    },
    "en": {
        "keep-place": "To keep your place in line without waiting, press star and hang up. "
        "We will call you back when it is your turn.",
        "keep-place-ok": "Your place is kept. We will call you back when it is your turn. Goodbye.",
        "overflow-voicemail": "Sorry, all our agents are still busy. Please leave a message "
        "after the tone, and press hash when you are done.",
        "overflow-callback": "Sorry, all our agents are still busy. We have noted your "
        "callback request and will call you back soon. Goodbye.",
    },
}

# app_queue's announcements (apps/app_queue.c say_position) and the files its Chinese
# number syntax plays (main/say.c ast_say_number_full_zh).
_DIGITS = "零一二三四五六七八九"
ZH_QUEUE_SOUNDS: dict[str, str] = {
    "queue-youarenext": "您是下一位。",
    "queue-thereare": "您现在排在第",
    "queue-callswaiting": "位。",
    "queue-holdtime": "预计等待时间约为",
    "queue-minute": "分钟。",
    "queue-minutes": "分钟。",
    "queue-seconds": "秒。",
    "queue-less-than": "少于",
    "queue-thankyou": "感谢您的耐心等待。",
    "queue-quantity1": "目前排队等候的来电超过",
    "queue-quantity2": "个。",
    "queue-reporthold": "等待时间",
    "queue-periodic-announce": "您的来电对我们很重要，请不要挂机。",
    **{f"digits/{n}": _DIGITS[n] for n in range(10)},
    **{f"digits/{n * 10}": ("" if n == 1 else _DIGITS[n]) + "十" for n in range(1, 10)},
    "digits/hundred": "百",
    "digits/thousand": "千",
    "digits/wan": "万",
    "digits/yi": "亿",
    "digits/minus": "负",
}


def queue_prompts_dir(dirs: dict[str, str]) -> str:
    """Where the desk's queue prompts are, as Asterisk sees it (``<dir>/<lang>/<id>``)."""
    return f"{dirs['astvarlibdir']}/sounds/callcenter-queue"


def zh_sounds_dir(dirs: dict[str, str]) -> str:
    """Asterisk's sound folder for ``CHANNEL(language)=zh``, as Asterisk sees it."""
    return f"{dirs['astdatadir']}/sounds/zh"


def sound_jobs(prompts_root: Path, zh_root: Path) -> list[PromptJob]:
    """Every file to make: (prompt id, language, text, target)."""
    jobs = [
        PromptJob(prompt_id, language, text, prompts_root / language / f"{prompt_id}.wav", None)
        for language, prompts in QUEUE_PROMPTS.items()
        for prompt_id, text in prompts.items()
    ]
    jobs += [
        PromptJob(name, "zh", text, zh_root / f"{name}.wav", None)
        for name, text in ZH_QUEUE_SOUNDS.items()
    ]
    return jobs


def build_queue_sounds(prompts_root: Path, zh_root: Path, *, force: bool = False) -> int:
    """Make the missing or changed files; how many were made."""
    check_tools()
    return sum(build(job, force=force) for job in sound_jobs(prompts_root, zh_root))
