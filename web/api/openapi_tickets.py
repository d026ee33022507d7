"""The OpenAPI description of the tickets API (``web.api.tickets`` and
``web.api.ticket_registers``); merged into ``openapi_document``. Tests check that the
schemas' properties are exactly the keys ``callcenter.ticketing.serialize`` produces."""

from __future__ import annotations

from typing import Any

_TIME = {"type": "string", "format": "date-time"}
_NTIME = {"type": ["string", "null"], "format": "date-time"}
_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
_INT = {"type": "integer"}
_NINT = {"type": ["integer", "null"]}
_NBOOL = {"type": ["boolean", "null"]}
_NNUM = {"type": ["number", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": required or list(props), "properties": props}


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


TICKET_SCHEMA = _obj(
    {
        "number": {"type": "string", "pattern": r"^\d{8}-\d{4}$", "examples": ["20261124-0001"]},
        "status": _enum(
            "new", "assigned", "in_progress", "waiting_customer", "resolved", "closed", "cancelled"
        ),
        "channel": _enum("phone", "walk_in", "web", "voicemail", "callback"),
        "category": {**_STR, "examples": ["inquiry", "repair", "complaint"]},
        "priority": _enum("urgent", "high", "normal", "low"),
        "assignee": _NSTR,
        "assignee_kind": {"type": ["string", "null"], "enum": ["agent", "team", None]},
        "customer_id": _NINT,
        "customer_name": _STR,
        "contact": _STR,
        "description": _STR,
        "call_id": {**_NINT, "description": "The call that opened it."},
        "opened_by": _STR,
        "opened_at": _TIME,
        "updated_at": _TIME,
        "response_due": _TIME,
        "resolution_due": _TIME,
        "first_response_at": _NTIME,
        "resolved_at": _NTIME,
        "resolution": _NSTR,
        "closed_at": _NTIME,
        "cancelled_at": _NTIME,
        "cancel_reason": _NSTR,
        "reopen_count": _INT,
        "escalation_level": _enum("none", "supervisor", "manager"),
        "escalated_at": _NTIME,
    }
)

NOTE_SCHEMA = _obj(
    {
        "id": _INT,
        "author": _STR,
        "kind": _enum("agent", "system", "transcript"),
        "body": _STR,
        "call_id": _NINT,
        "created_at": _TIME,
    }
)

AUDIT_SCHEMA = _obj(
    {
        "subject": {**_STR, "description": "The ticket number, C:<number>, V:<number>."},
        "at": _TIME,
        "by": _STR,
        "field": _STR,
        "old": _NSTR,
        "new": _NSTR,
        "note": _STR,
    }
)

COMPLAINT_SCHEMA = _obj(
    {
        "ticket": _STR,
        "received_at": _TIME,
        "complainant": _STR,
        "contact": _STR,
        "content": _STR,
        "demands": _STR,
        "classification": _STR,
        "status": _enum("registered", "investigating", "result_recorded", "fed_back", "closed"),
        "responsible": _NSTR,
        "deadline": _NTIME,
        "substantiated": _NBOOL,
        "result": _NSTR,
        "remedy": _NSTR,
        "feedback": _NSTR,
        "fed_back_at": _NTIME,
        "acceptance": {
            "type": ["string", "null"],
            "enum": ["accepted", "not_accepted", "no_answer", None],
        },
        "acceptance_note": _STR,
        "closed_at": _NTIME,
        "closing_note": _STR,
        "rounds": _INT,
    }
)

VISIT_SCHEMA = _obj(
    {
        "ticket": _STR,
        "due_at": _TIME,
        "outcome": {
            "type": ["string", "null"],
            "enum": ["completed", "unreachable", "declined", None],
        },
        "visited_at": _NTIME,
        "visited_by": _NSTR,
        "satisfaction": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "problem_solved": _NBOOL,
        "note": _STR,
    }
)

ESCALATION_SCHEMA = _obj(
    {
        "id": _INT,
        "ticket": _STR,
        "level": _enum("supervisor", "manager"),
        "reasons": {"type": "array", "items": _enum("response", "resolution")},
        "since": _TIME,
        "created_at": _TIME,
        "acknowledged_by": _NSTR,
        "acknowledged_at": _NTIME,
    }
)

HIT_SCHEMA = _obj(
    {
        "number": _STR,
        "status": _STR,
        "customer_name": _STR,
        "opened_at": _TIME,
        "matched": _enum("ticket", "agent", "system", "transcript"),
        "snippet": _STR,
    }
)

_REPORT_INTS = [
    "calls",
    "offered",
    "answered",
    "abandoned",
    "answered_within",
    "answered_within_seconds",
    "tickets_opened",
    "tickets_resolved",
    "resolved_within_sla",
    "responded_within_sla",
    "complaints",
    "complaints_closed",
    "visits_due",
    "visits_on_time",
    "rated",
    "satisfied",
]
_REPORT_RATES = [
    "service_level",
    "abandon_rate",
    "asa_seconds",
    "handle_seconds",
    "resolution_sla_rate",
    "visits_on_time_rate",
    "satisfaction_rate",
]
REPORT_SCHEMA = _obj(
    {
        "period": {**_STR, "examples": ["2026-03", "2026-W10", "2026-03-02"]},
        "kind": _enum("day", "week", "month"),
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"},
        **{k: _INT for k in _REPORT_INTS},
        **{k: _NNUM for k in _REPORT_RATES},
        "satisfaction_target": {"type": "number"},
        "meets_satisfaction_target": _NBOOL,
    }
)

APPRAISAL_SCHEMA = _obj(
    {
        "agent": _STR,
        **{
            k: _INT
            for k in [
                "calls_answered",
                "answered_within",
                "tickets_resolved",
                "resolved_within_sla",
                "escalated",
                "rated",
                "satisfied",
            ]
        },
        **{k: _NNUM for k in ("handle_seconds", "sla_rate", "satisfaction_rate")},
    }
)

TICKET_DETAIL_SCHEMA: dict[str, Any] = {
    "allOf": [
        _ref("Ticket"),
        _obj(
            {
                "notes": {"type": "array", "items": _ref("TicketNote")},
                "calls": {"type": "array", "items": {"type": "object"}},
                "attachments": {"type": "array", "items": {"type": "object"}},
                "audit": {"type": "array", "items": _ref("AuditEntry")},
                "complaint": {"oneOf": [_ref("Complaint"), {"type": "null"}]},
                "visits": {"type": "array", "items": _ref("CallbackVisit")},
                "escalations": {"type": "array", "items": _ref("Escalation")},
            }
        ),
    ]
}

CUSTOMER_SCHEMA = _obj(
    {
        "id": _INT,
        "name": _STR,
        "vip": {"type": "boolean"},
        "notes": _STR,
        "numbers": {"type": "array", "items": _STR},
    }
)

CUSTOMER_CHANGE_SCHEMA = _obj({"at": _TIME, "by": _STR, "field": _STR, "old": _NSTR, "new": _NSTR})

CUSTOMER_DETAIL_SCHEMA: dict[str, Any] = {
    "allOf": [
        _ref("Customer"),
        _obj(
            {
                "created_at": _TIME,
                "tickets": {"type": "array", "items": _ref("Ticket")},
                "history": {"type": "array", "items": _ref("CustomerChange")},
            }
        ),
    ]
}

CALL_HIT_SCHEMA = _obj(
    {
        "id": _INT,
        "started_at": _TIME,
        "caller_number": _STR,
        "caller_name": _STR,
        "agent": _NSTR,
        "snippet": _STR,
    }
)

TICKET_SCHEMAS: dict[str, Any] = {
    "Customer": CUSTOMER_SCHEMA,
    "CustomerDetail": CUSTOMER_DETAIL_SCHEMA,
    "CustomerChange": CUSTOMER_CHANGE_SCHEMA,
    "CallHit": CALL_HIT_SCHEMA,
    "Ticket": TICKET_SCHEMA,
    "TicketDetail": TICKET_DETAIL_SCHEMA,
    "TicketNote": NOTE_SCHEMA,
    "AuditEntry": AUDIT_SCHEMA,
    "Complaint": COMPLAINT_SCHEMA,
    "CallbackVisit": VISIT_SCHEMA,
    "Escalation": ESCALATION_SCHEMA,
    "SearchHit": HIT_SCHEMA,
    "PeriodReport": REPORT_SCHEMA,
    "AgentAppraisal": APPRAISAL_SCHEMA,
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _list(key: str, item: str) -> dict[str, Any]:
    return _obj({key: {"type": "array", "items": _ref(item)}})


def _errors(*codes: str) -> dict[str, Any]:
    texts = {
        "400": "Bad input.",
        "401": "No valid bearer token and no console login.",
        "403": "The user's role does not allow it.",
        "404": "No such ticket (or record).",
        "409": "The desk's rules do not allow it now (bilingual message).",
    }
    return {c: _json(_ref("Error"), texts[c]) for c in codes}


def _op(
    op_id: str,
    summary: str,
    ok: tuple[str, dict[str, Any], str],
    *errors: str,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    status, schema, description = ok
    operation: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "responses": {status: _json(schema, description), **_errors("401", *errors)},
    }
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return operation


def _q(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


_NUMBER = {"name": "number", "in": "path", "required": True, "schema": _STR}
_CALL_ID = {"name": "call_id", "in": "path", "required": True, "schema": _INT}
_TICKET = ("200", _ref("Ticket"), "The ticket after the change.")


def _body(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def ticket_paths() -> dict[str, Any]:
    flag = {"type": "boolean"}
    list_params = [
        _q("status", {"type": "array", "items": _STR}, "Repeat for several."),
        _q("open", flag, "Only tickets still being worked on."),
        _q("assignee", _STR),
        _q("category", _STR),
        _q("priority", _STR),
        _q("channel", _STR),
        _q("customer_id", _INT),
        _q("escalated", flag),
        _q("overdue", flag, "Open and past the resolution deadline."),
        _q("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}),
        _q("offset", {"type": "integer", "minimum": 0, "default": 0}),
    ]
    create_body = _body(
        {
            "description": _STR,
            "contact": _STR,
            "customer_name": _STR,
            "category": _STR,
            "priority": _STR,
            "channel": _STR,
            "assignee": _NSTR,
            "team": {"type": "boolean"},
            "call_id": _NINT,
        },
        ["description", "contact"],
    )
    paths: dict[str, Any] = {
        "/api/v1/tickets": {
            "get": _op(
                "listTickets",
                "Tickets with filters, newest first",
                ("200", _list("tickets", "Ticket"), "The tickets."),
                "400",
                params=list_params,
            ),
            "post": _op(
                "createTicket",
                "Register a ticket (问题登记)",
                ("201", _ref("Ticket"), "The new ticket."),
                "400",
                "409",
                body=create_body,
            ),
        },
        "/api/v1/tickets/search": {
            "get": _op(
                "searchTickets",
                "Search tickets, notes and transcripts (Chinese too); ``calls`` lists calls"
                " without a ticket whose transcript matches",
                (
                    "200",
                    _obj(
                        {
                            "results": {"type": "array", "items": _ref("SearchHit")},
                            "calls": {"type": "array", "items": _ref("CallHit")},
                        }
                    ),
                    "Newest first.",
                ),
                "400",
                params=[{**_q("q", _STR), "required": True}, _q("limit", _INT)],
            ),
        },
        "/api/v1/tickets/{number}": {
            "get": _op(
                "getTicket",
                "A ticket with notes, calls, audit trail and registers",
                ("200", _ref("TicketDetail"), "The ticket."),
                "404",
                params=[_NUMBER],
            ),
        },
        "/api/v1/tickets/{number}/notes": {
            "post": _op(
                "addTicketNote",
                "Add a note",
                ("201", {"type": "object"}, "The note."),
                "400",
                "404",
                params=[_NUMBER],
                body=_body(
                    {"body": _STR, "kind": _enum("agent", "system", "transcript")}, ["body"]
                ),
            ),
        },
        "/api/v1/tickets/{number}/calls": {
            "post": _op(
                "linkTicketCall",
                "Link a call to the ticket",
                _TICKET,
                "400",
                "404",
                params=[_NUMBER],
                body=_body({"call_id": _INT}, ["call_id"]),
            ),
        },
        "/api/v1/tickets/{number}/attachments": {
            "post": {
                **_op(
                    "addTicketAttachment",
                    "Attach a file (multipart field 'file')",
                    ("201", {"type": "object"}, "The attachment's metadata."),
                    "400",
                    "404",
                    params=[_NUMBER],
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": _body(
                                {"file": {"type": "string", "format": "binary"}}, ["file"]
                            )
                        }
                    },
                },
            },
        },
        "/api/v1/calls/{call_id}/ticket": {
            "post": _op(
                "ticketFromCall",
                "A new ticket for the caller of a call",
                ("201", _ref("Ticket"), "The new ticket."),
                "400",
                "409",
                params=[_CALL_ID],
                body=_body(
                    {"description": _STR, "category": _STR, "priority": _STR, "assignee": _NSTR},
                    ["description"],
                ),
            ),
        },
        "/api/v1/calls/{call_id}/append": {
            "post": _op(
                "appendCallToTicket",
                "Add a call to a ticket (default: the caller's open one)",
                _TICKET,
                "400",
                "404",
                params=[_CALL_ID],
                body=_body({"ticket": _NSTR, "note": _NSTR}, []),
            ),
        },
    }
    transitions = {
        "assign": _body(
            {"assignee": _STR, "team": {"type": "boolean"}, "note": _STR}, ["assignee"]
        ),
        "start": _body({"note": _STR}, []),
        "wait": _body({"note": _STR}, []),
        "resolve": _body({"resolution": _STR}, ["resolution"]),
        "close": _body({}, []),
        "reopen": _body({"reason": _STR}, ["reason"]),
        "cancel": _body({"reason": _STR}, ["reason"]),
    }
    for action, body in transitions.items():
        paths[f"/api/v1/tickets/{{number}}/{action}"] = {
            "post": _op(
                f"{action}Ticket",
                f"{action.capitalize()} the ticket",
                _TICKET,
                "400",
                "404",
                "409",
                params=[_NUMBER],
                body=body,
            )
        }
    paths.update(_register_paths())
    paths.update(_customer_paths())
    return paths


def _customer_paths() -> dict[str, Any]:
    customer_id = {"name": "customer_id", "in": "path", "required": True, "schema": _INT}
    detail = ("200", _ref("CustomerDetail"), "The customer, their tickets and change log.")
    return {
        "/api/v1/customers": {
            "get": _op(
                "listCustomers",
                "Customers, newest first; q = part of a name or a phone number",
                ("200", _list("customers", "Customer"), "The customers."),
                "400",
                params=[
                    _q("q", _STR, "Part of a name or a number."),
                    _q("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}),
                ],
            ),
        },
        "/api/v1/customers/{customer_id}": {
            "get": _op("getCustomer", "One customer", detail, "400", params=[customer_id]),
            "patch": _op(
                "editCustomer",
                "Change name, VIP flag or notes (logged)",
                detail,
                "400",
                params=[customer_id],
                body={
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": False,
                    "properties": {"name": _STR, "vip": {"type": "boolean"}, "notes": _STR},
                },
            ),
        },
        "/api/v1/customers/{customer_id}/numbers": {
            "post": _op(
                "addCustomerNumber",
                "Give the customer another phone number (logged)",
                ("201", _ref("CustomerDetail"), "The customer."),
                "400",
                params=[customer_id],
                body=_body({"number": _STR, "label": _STR}, ["number"]),
            ),
        },
        "/api/v1/customers/{customer_id}/numbers/{number}": {
            "delete": _op(
                "removeCustomerNumber",
                "Take a phone number away from the customer (logged)",
                detail,
                "400",
                params=[customer_id, _NUMBER],
            ),
        },
    }


def _register_paths() -> dict[str, Any]:
    complaint_step = {
        "name": "action",
        "in": "path",
        "required": True,
        "schema": _enum("register", "investigate", "result", "feedback", "accept", "close"),
    }
    date = {"type": "string", "format": "date"}
    return {
        "/api/v1/complaints": {
            "get": _op(
                "listComplaints",
                "The complaint register",
                ("200", _list("complaints", "Complaint"), "Newest first."),
                params=[_q("status", _STR), _q("overdue", {"type": "boolean"})],
            ),
        },
        "/api/v1/tickets/{number}/complaint/{action}": {
            "post": _op(
                "complaintStep",
                "A step of the complaint's register: register"
                " {content, demands, classification}, investigate {responsible,"
                " deadline?}, result {substantiated, result, remedy?}, feedback"
                " {feedback}, accept {acceptance, note?}, close {note?}",
                ("200", _ref("Complaint"), "The record."),
                "400",
                "404",
                "409",
                params=[_NUMBER, complaint_step],
                body={"type": "object"},
            ),
        },
        "/api/v1/visits": {
            "get": _op(
                "listVisits",
                "Callback visits (回访), most urgent first",
                ("200", _list("visits", "CallbackVisit"), "The visits."),
                params=[_q("overdue", {"type": "boolean"}), _q("pending", {"type": "boolean"})],
            ),
        },
        "/api/v1/tickets/{number}/visit": {
            "post": _op(
                "recordVisit",
                "Record the ticket's 回访 (not solved reopens it)",
                ("200", _ref("CallbackVisit"), "The visit."),
                "400",
                "404",
                params=[_NUMBER],
                body=_body(
                    {
                        "outcome": _enum("completed", "unreachable", "declined"),
                        "satisfaction": _NINT,
                        "problem_solved": _NBOOL,
                        "note": _STR,
                    },
                    ["outcome"],
                ),
            ),
        },
        "/api/v1/escalations": {
            "get": _op(
                "listEscalations",
                "Escalated open tickets (the supervisors' list)",
                ("200", _list("escalations", "Escalation"), "Newest first."),
                params=[_q("all", {"type": "boolean"}, "Acknowledged ones too.")],
            ),
        },
        "/api/v1/escalations/check": {
            "post": _op(
                "checkEscalations",
                "Run the SLA check now (supervisor)",
                ("200", {"type": "object"}, "What was escalated."),
                "403",
            ),
        },
        "/api/v1/escalations/{escalation_id}/ack": {
            "post": _op(
                "acknowledgeEscalation",
                "Acknowledge an escalation (supervisor)",
                ("200", _ref("Escalation"), "The escalation."),
                "403",
                "400",
                params=[{"name": "escalation_id", "in": "path", "required": True, "schema": _INT}],
            ),
        },
        "/api/v1/reports": {
            "get": _op(
                "ticketReports",
                "Figures per day, week, month or quarter (supervisor); format=csv for CSV",
                ("200", _list("reports", "PeriodReport"), "One row per period."),
                "400",
                "403",
                params=[
                    _q("period", _enum("day", "week", "month", "quarter")),
                    _q("from", date),
                    _q("to", date),
                    _q("format", _enum("json", "csv")),
                ],
            ),
        },
        "/api/v1/reports/appraisal": {
            "get": _op(
                "agentAppraisal",
                "The monthly appraisal per agent (supervisor)",
                (
                    "200",
                    _obj(
                        {
                            "month": _STR,
                            "agents": {"type": "array", "items": _ref("AgentAppraisal")},
                        }
                    ),
                    "Per agent.",
                ),
                "400",
                "403",
                params=[_q("month", {**_STR, "examples": ["2026-03"]})],
            ),
        },
        "/api/v1/attendance": {
            "get": _op(
                "attendance",
                "Attendance per shift (supervisor)",
                ("200", {"type": "object"}, "Late, early leave, absent, overtime."),
                "400",
                "403",
                params=[_q("from", date), _q("to", date)],
            ),
        },
    }
