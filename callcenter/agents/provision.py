"""The Asterisk side of agents in the sandbox: default logins, added endpoints, survey prompts.

``after_sandbox_up`` runs at the end of every ``callcenter sandbox up``: the default agents
(``agent_first``.. ``agent_count``) are logged in to every queue they are missing from (queue
members are dynamic, so agents can log out; a fresh Asterisk has none), agents added with
``callcenter agent add`` get their endpoint and dialplan include, and the survey prompts are
built once with espeak-ng + sox.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from callcenter.agents.dialplan import DIALPLAN_EXTRA, PJSIP_EXTRA, survey_prompts_dir
from callcenter.agents.queue_sounds import build_queue_sounds, queue_prompts_dir, zh_sounds_dir
from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.process import until
from callcenter.sandbox.secrets_store import load_or_create_secrets

if TYPE_CHECKING:
    from callcenter.sandbox.sandbox import Sandbox

SURVEY_TEXT = {
    "zh": {
        "survey": "请您为本次服务评分。非常满意请按5，满意请按4，一般请按3，不满意请按2，"
        "非常不满意请按1。",
        "survey-thanks": "感谢您的评价，再见。",
    },
    "en": {
        "survey": "Please rate our service. Press 5 if you were very satisfied, 4 satisfied, "
        "3 neutral, 2 dissatisfied, or 1 very dissatisfied.",
        "survey-thanks": "Thank you for your rating. Goodbye.",
    },
}
VOICES = {"zh": "cmn", "en": "en-us"}
_QUEUE_HEADER = re.compile(r"^(\S+) has \d+ calls", re.M)
_MEMBER = re.compile(r"\((PJSIP/[^)\s]+)[ )].*\(dynamic\)")


def rx(sandbox: Sandbox, command: str, *, timeout: float = 10) -> str:
    """Run one Asterisk CLI command in the running sandbox; its output."""
    result = subprocess.run(
        sandbox.console_command((command,)),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SandboxError(f"`{command}` failed: {(result.stderr or result.stdout).strip()}")
    return result.stdout


def queue_members(queue_show: str) -> dict[str, set[str]]:
    """app_queue name -> dynamic member interfaces, from the output of ``queue show``."""
    members: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in queue_show.splitlines():
        header = _QUEUE_HEADER.match(line)
        if header:
            current = members.setdefault(header.group(1), set())
        elif current is not None:
            current.update(_MEMBER.findall(line))
    return members


def ensure_default_members(sandbox: Sandbox, *, timeout: float = 10) -> list[str]:
    """Log the default agents in to every queue they are missing from; what was added.

    Checked again until all are there: a ``core reload`` that just turned static members
    (older queues.conf) into none may still be under way when we first look.
    """
    settings = sandbox.settings
    added: list[str] = []

    def all_there() -> bool:
        present = queue_members(rx(sandbox, "queue show"))
        missing = [
            (queue, ext)
            for queue in settings.asterisk_queues.values()
            for ext in settings.agent_extensions
            if f"PJSIP/{ext}" not in present.get(queue, set())
        ]
        for queue, ext in missing:
            rx(
                sandbox,
                f"queue add member PJSIP/{ext} to {queue} penalty 0 as {ext}"
                f" state_interface PJSIP/{ext}",
            )
            added.append(f"{ext}@{queue}")
        return not missing

    if not until(all_there, timeout=timeout, interval=0.3):
        raise SandboxError(f"default agents could not be logged in to their queues in {timeout} s")
    return added


def extra_agent_passwords(sandbox: Sandbox) -> dict[str, str]:
    """Agents added with ``callcenter agent add`` (not the configured defaults)."""
    settings = sandbox.settings
    secrets = load_or_create_secrets(sandbox.secrets_file, settings.agent_extensions)
    return {
        ext: pw
        for ext, pw in sorted(secrets.agent_passwords.items())
        if ext not in settings.agent_extensions
    }


def render_extra_agents(passwords: dict[str, str]) -> tuple[str, str]:
    """(pjsip include, dialplan include) for the added agents."""
    pjsip = ["; Rendered by `callcenter agent add`: agents added after the defaults."]
    dialplan = ["; Rendered by `callcenter agent add`: included in the [agents] context."]
    for ext, password in passwords.items():
        pjsip += [
            f"[{ext}](media-defaults)",
            "context = agents",
            f"auth = {ext}",
            f"aors = {ext}",
            "",
            f"[{ext}](contact-one)",
            "",
            f"[{ext}]",
            "type = auth",
            "auth_type = userpass",
            f"username = {ext}",
            f"password = {password}",
            "",
        ]
        dialplan.append(f"exten => {ext},1,Goto(cc-agent-dial,{ext},1)")
    return "\n".join(pjsip) + "\n", "\n".join(dialplan) + "\n"


def write_extra_agents(sandbox: Sandbox) -> bool:
    """Write the include files; reload PJSIP and the dialplan when they changed."""
    etc = sandbox.host_path(sandbox.asterisk_dirs["astetcdir"])
    pjsip, dialplan = render_extra_agents(extra_agent_passwords(sandbox))
    changed = False
    for name, text in ((PJSIP_EXTRA, pjsip), (DIALPLAN_EXTRA, dialplan)):
        path = etc / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o640)  # it holds passwords
        tmp.replace(path)
        changed = True
    if changed and sandbox.status()["running"]:
        rx(sandbox, "module reload res_pjsip.so")
        rx(sandbox, "dialplan reload")
    return changed


def build_survey_prompts(sandbox: Sandbox, *, force: bool = False) -> list[Path]:
    """The survey prompts as 8 kHz mono WAVs (espeak-ng + sox), made once."""
    root = sandbox.host_path(survey_prompts_dir(sandbox.asterisk_dirs))
    made = []
    for language, prompts in SURVEY_TEXT.items():
        for prompt_id, text in prompts.items():
            target = root / language / f"{prompt_id}.wav"
            if target.is_file() and not force:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            speak(text, VOICES[language], target)
            made.append(target)
    return made


def speak(text: str, voice: str, target: Path) -> None:
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if espeak is None or sox is None:
        raise SandboxError("the survey prompts need espeak-ng and sox: apt-get install both")
    with tempfile.TemporaryDirectory(prefix="survey-") as tmp:
        raw = Path(tmp) / "raw.wav"
        _run([espeak, "-v", voice, "-s", "150", "-w", str(raw), text])
        _run(
            [
                sox,
                str(raw),
                "-r",
                "8000",
                "-c",
                "1",
                "-b",
                "16",
                "-e",
                "signed-integer",
                str(target),
            ]
        )


def _run(command: Iterable[str]) -> None:
    argv = list(command)
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SandboxError(f"{argv[0]} failed: {result.stderr.strip()}")


def after_sandbox_up(sandbox: Sandbox) -> None:
    """Called at the end of ``Sandbox.up`` (the sandbox is running)."""
    build_survey_prompts(sandbox)
    dirs = sandbox.asterisk_dirs
    made = build_queue_sounds(
        sandbox.host_path(queue_prompts_dir(dirs)), sandbox.host_path(zh_sounds_dir(dirs))
    )
    if made:
        sandbox.progress(f"made {made} queue sound file(s) (zh and en)")
    write_extra_agents(sandbox)
    added = ensure_default_members(sandbox)
    if added:
        sandbox.progress(f"logged in {len(added)} default agent queue membership(s)")
