"""The fields of a ticket that take one of a few values: channel, category, priority, status.

Where they come from in the desk's rules (seeds/000):
- channels: "来电服务流程" (phone) and "来访服务流程" (walk_in); web, voicemail and callback
  are the system's own entry points (web form, voicemail left in the IVR, callback requested
  in the queue).
- categories: "三、服务内容 ... 电话服务 ... 报修服务 ... 投诉处理 ... 信息协调" give inquiry,
  repair, complaint, coordination; seed 001 adds suggestion: "制定客户咨询、投诉、建议的处理流程".
- priority: "根据问题的性质和紧急程度,及时转接或核实解答" and "按照优先级进行分类和处理".
"""

from __future__ import annotations

from enum import StrEnum

from callcenter.tickets.code_catalog import CodeCatalog


class _Labelled(StrEnum):
    """A StrEnum whose members carry Chinese and English labels (see ``_LABELS``)."""

    @property
    def zh(self) -> str:
        return _LABELS[self.value][0]

    @property
    def en(self) -> str:
        return _LABELS[self.value][1]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


class Channel(_Labelled):
    PHONE = "phone"
    WALK_IN = "walk_in"
    WEB = "web"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"


class Priority(_Labelled):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Status(_Labelled):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (Status.CLOSED, Status.CANCELLED)

    @property
    def is_open(self) -> bool:
        """Still being worked on: the resolution clock runs."""
        return self not in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


_LABELS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "phone"),
    "walk_in": ("来访", "walk-in"),
    "web": ("网页", "web"),
    "voicemail": ("语音留言", "voicemail"),
    "callback": ("回拨", "callback"),
    "urgent": ("紧急", "urgent"),
    "high": ("高", "high"),
    "normal": ("普通", "normal"),
    "low": ("低", "low"),
    "new": ("新建", "new"),
    "assigned": ("已分派", "assigned"),
    "in_progress": ("处理中", "in progress"),
    "waiting_customer": ("等待客户", "waiting for customer"),
    "resolved": ("已解决", "resolved"),
    "closed": ("已关闭", "closed"),
    "cancelled": ("已取消", "cancelled"),
}

COMPLAINT = "complaint"

DEFAULT_CATEGORIES = CodeCatalog.of(
    "category",
    [
        ("inquiry", "咨询", "inquiry"),
        ("repair", "报修", "repair"),
        (COMPLAINT, "投诉", "complaint"),
        ("suggestion", "建议", "suggestion"),
        ("coordination", "信息协调", "coordination"),
    ],
)
