"""The OpenAPI 3.1 description of ``/api/v1``, written by hand next to the views it describes.

The ``Call`` schema is the ``callcenter calls --json`` contract of DESIGN.md; a test checks
that its properties are exactly the keys ``call_to_dict`` produces.
"""

from __future__ import annotations

from typing import Any

from web.api.openapi_tickets import TICKET_SCHEMAS, ticket_paths

API_VERSION = "1.0.0"

_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

CALL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One call: every channel sharing an Asterisk linkedid.",
    "required": [
        "id",
        "caller_number",
        "caller_name",
        "dialed",
        "started_at",
        "answered_at",
        "ended_at",
        "wait_seconds",
        "talk_seconds",
        "disposition",
        "queue",
        "agent",
        "ivr_path",
        "recording",
        "transcript",
        "ticket",
    ],
    "properties": {
        "id": {"type": "integer"},
        "linkedid": {"type": "string", "description": "Asterisk's linkedid of the call."},
        "caller_number": {"type": "string", "description": "As the caller's phone sent it."},
        "caller_name": {"type": "string", "description": "Display name; may be empty."},
        "dialed": {"type": "string", "description": "The number the caller dialed."},
        "started_at": {"type": "string", "format": "date-time"},
        "answered_at": _NULLABLE_TIME,
        "ended_at": {**_NULLABLE_TIME, "description": "null while the call is in progress."},
        "wait_seconds": {"type": "number", "minimum": 0},
        "talk_seconds": {"type": "number", "minimum": 0},
        "disposition": {
            "type": ["string", "null"],
            "enum": ["answered", "abandoned", "voicemail", "callback", "failed", "busy", None],
            "description": "How the call ended; null while it is in progress.",
        },
        "queue": {"type": ["string", "null"]},
        "agent": {"type": ["string", "null"], "description": "The answering agent's extension."},
        "ivr_path": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Menu choices, in order.",
        },
        "recording": {"type": ["string", "null"], "description": "Path of the recording."},
        "transcript": {"type": ["string", "null"]},
        "ticket": {"type": ["integer", "null"], "description": "Id of the ticket it opened."},
        "language": {
            "type": ["string", "null"],
            "description": "The caller's language (chosen in the IVR), e.g. zh or en.",
        },
        "timeline": {"type": "array", "items": {"$ref": "#/components/schemas/TimelineEntry"}},
        "recording_error": {
            "type": ["string", "null"],
            "description": "Why the call could not be recorded (names the path), if so.",
        },
        "keyword_flags": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Watched words found in the transcript (e.g. 投诉, manager).",
        },
        "transcript_segments": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Transcript pieces with speaker (caller, agent), start and end.",
        },
        "transfers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "from": {"type": "string"},
                    "to": {"type": "string"},
                    "kind": {"type": "string", "enum": ["blind", "attended"]},
                    "at": {"type": "string", "format": "date-time"},
                },
            },
        },
        "csat": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 5,
            "description": "The caller's satisfaction score from the survey after the call.",
        },
    },
}

TIMELINE_ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["at", "kind", "detail"],
    "properties": {
        "at": {"type": "string", "format": "date-time"},
        "kind": {
            "type": "string",
            "examples": ["start", "ivr", "queue_join", "agent_ring", "answer", "hangup"],
        },
        "detail": {"type": "string"},
    },
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "examples": ["unauthorized", "not_found", "bad_request"]},
        "message": {"type": "string"},
    },
}


_NUMBER_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}

DESK_STATE_SCHEMAS: dict[str, Any] = {
    "Agent": {
        "type": "object",
        "required": ["extension", "name", "state", "pause_reason", "queues", "since", "live"],
        "properties": {
            "extension": {"type": "string"},
            "name": {"type": "string"},
            "state": {
                "type": "string",
                "enum": ["logged_out", "available", "ringing", "on_call", "wrap_up", "paused"],
            },
            "pause_reason": {"type": ["string", "null"]},
            "queues": {"type": "array", "items": {"type": "string"}},
            "since": {"type": ["string", "null"], "format": "date-time"},
            "live": {"type": "boolean", "description": "from the running controller"},
        },
    },
    "AgentList": {
        "type": "object",
        "required": ["agents"],
        "properties": {
            "agents": {"type": "array", "items": {"$ref": "#/components/schemas/Agent"}}
        },
    },
    "QueueFigures": {
        "type": "object",
        "required": ["queue", "waiting", "offered", "answered", "abandoned"],
        "properties": {
            "queue": {"type": "string", "description": "empty: all queues together"},
            "waiting": {"type": "integer"},
            "longest_wait": _NUMBER_OR_NULL,
            "talking": {"type": "integer"},
            "offered": {"type": "integer"},
            "answered": {"type": "integer"},
            "abandoned": {"type": "integer"},
            "service_level": _NUMBER_OR_NULL,
            "average_speed_of_answer": _NUMBER_OR_NULL,
            "abandon_rate": _NUMBER_OR_NULL,
            "callbacks_pending": {"type": "integer"},
        },
    },
    "QueueList": {
        "type": "object",
        "required": ["queues"],
        "properties": {
            "queues": {"type": "array", "items": {"$ref": "#/components/schemas/QueueFigures"}}
        },
    },
}


def _list_path(operation: str, summary: str, schema: str, unauthorized: Any) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "responses": {
                "200": {
                    "description": summary,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                },
                "401": unauthorized,
                "403": _error("Needs the role supervisor or admin."),
            },
        }
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(max_limit: int, default_limit: int) -> dict[str, Any]:
    unauthorized = _error("No valid bearer token and no console login.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Call center API",
            "version": API_VERSION,
            "description": "Read the call log of the service desk.",
        },
        "security": [{"bearerAuth": []}, {"consoleSession": []}],
        "paths": {
            "/api/v1/calls": {
                "get": {
                    "operationId": "listCalls",
                    "summary": "Recent calls, newest first",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": max_limit,
                                "default": default_limit,
                            },
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The calls.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/CallList"}
                                }
                            },
                        },
                        "400": _error("limit is not an integer in range."),
                        "401": unauthorized,
                    },
                }
            },
            "/api/v1/calls/{call_id}": {
                "get": {
                    "operationId": "getCall",
                    "summary": "One call, with its timeline",
                    "parameters": [
                        {
                            "name": "call_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The call.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Call"}
                                }
                            },
                        },
                        "401": unauthorized,
                        "404": _error("No call with that id."),
                    },
                }
            },
            **ticket_paths(),
            "/api/v1/agents": _list_path(
                "listAgents", "Every agent's state (supervisors)", "AgentList", unauthorized
            ),
            "/api/v1/queues": _list_path(
                "listQueues",
                "Today's wallboard figures per queue (supervisors)",
                "QueueList",
                unauthorized,
            ),
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApiDocument",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "401": unauthorized,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Call": CALL_SCHEMA,
                "CallList": {
                    "type": "object",
                    "required": ["calls"],
                    "properties": {
                        "calls": {"type": "array", "items": {"$ref": "#/components/schemas/Call"}}
                    },
                },
                "TimelineEntry": TIMELINE_ENTRY_SCHEMA,
                **DESK_STATE_SCHEMAS,
                "Error": ERROR_SCHEMA,
                **TICKET_SCHEMAS,
            },
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token of a console user.",
                },
                "consoleSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "callcenter_session",
                    "description": "The console's login session (for the console's scripts).",
                },
            },
        },
    }
