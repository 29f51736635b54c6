import AgentCore

/// The OpenAPI 3.1 document of the API, served at `/api/v1/openapi.json`.
public enum OpenAPIDocument {
    /// The document's text.
    public static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "agent-server",
            "version": "1.0.0",
            "description": "The HTTP API of swift-agent-runner's agent-server: trigger and follow runs, read health, manage schedules, export history. Every error is {\"error\": {\"code\", \"message\", \"field\"}} with a 4xx status. With tokens configured, send \"Authorization: Bearer <token>\"; roles: read (every GET), operate (runs, cancel, pause, resume, schedule changes), approve (approvals). The WebSocket GET /api/v1/events streams the runner's events as JSON text messages (optional ?agent=NAME, heartbeat messages {\"event\": \"heartbeat\"}); browsers pass the token as ?access_token=."
          },
          "servers": [{"url": "/"}],
          "security": [{"bearer": []}, {}],
          "tags": [{"name": "runs"}, {"name": "agents"}, {"name": "system"}, {"name": "approvals"}, {"name": "pipelines"}],
          "paths": {
            "/api/v1/agents/{agentName}/runs": {
              "post": {
                "tags": ["runs"], "operationId": "triggerRun",
                "summary": "Run an agent now (role operate)",
                "description": "Queues a manual run through the scheduler (queue, concurrency limit, retry policy) and answers once it has a record. With an Idempotency-Key that already succeeded, answers 200 with that run and runs nothing; with one in progress, 202 with that run.",
                "parameters": [
                  {"$ref": "#/components/parameters/agentNamePath"},
                  {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 256}}
                ],
                "requestBody": {
                  "required": false,
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunRequest"}}}
                },
                "responses": {
                  "200": {"description": "The key already succeeded: that run", "headers": {"Location": {"$ref": "#/components/headers/Location"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                  "202": {"description": "The run (queued or running), or a note that it waits for a slot", "headers": {"Location": {"$ref": "#/components/headers/Location"}}, "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Run"}, {"$ref": "#/components/schemas/WaitingRun"}]}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"}
                }
              }
            },
            "/api/v1/agents/runs": {
              "get": {
                "tags": ["runs"], "operationId": "listRuns",
                "summary": "List runs, newest first, one keyset page at a time (role read)",
                "parameters": [
                  {"$ref": "#/components/parameters/agentNameQuery"},
                  {"$ref": "#/components/parameters/status"},
                  {"$ref": "#/components/parameters/since"},
                  {"$ref": "#/components/parameters/until"},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
                  {"$ref": "#/components/parameters/cursor"}
                ],
                "responses": {
                  "200": {"description": "A page of runs", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunPage"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/v1/agents/runs.csv": {
              "get": {
                "tags": ["runs"], "operationId": "exportRuns",
                "summary": "Export runs as CSV, at most 10,000 rows per page (role read)",
                "parameters": [
                  {"$ref": "#/components/parameters/agentNameQuery"},
                  {"$ref": "#/components/parameters/status"},
                  {"$ref": "#/components/parameters/since"},
                  {"$ref": "#/components/parameters/until"},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 10000}},
                  {"$ref": "#/components/parameters/cursor"}
                ],
                "responses": {
                  "200": {"description": "CSV with a header row; the next page's cursor in X-Next-Cursor", "headers": {"X-Next-Cursor": {"schema": {"type": "string"}}}, "content": {"text/csv": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/v1/runs/{id}": {
              "get": {
                "tags": ["runs"], "operationId": "getRun", "summary": "One run's record (role read)",
                "parameters": [{"$ref": "#/components/parameters/runID"}],
                "responses": {
                  "200": {"description": "The record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/v1/runs/{id}/logs": {
              "get": {
                "tags": ["runs"], "operationId": "getRunLogs", "summary": "A run's output, whole or its last lines (role read)",
                "parameters": [
                  {"$ref": "#/components/parameters/runID"},
                  {"name": "stream", "in": "query", "schema": {"type": "string", "enum": ["stdout", "stderr"], "default": "stdout"}},
                  {"name": "tail", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}}
                ],
                "responses": {
                  "200": {"description": "The lines", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LogTail"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/v1/runs/{id}/cancel": {
              "post": {
                "tags": ["runs"], "operationId": "cancelRun", "summary": "Cancel a queued or running run wherever it executes (role operate)",
                "parameters": [{"$ref": "#/components/parameters/runID"}],
                "responses": {
                  "202": {"description": "The cancellation is under way", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Cancellation"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"}
                }
              }
            },
            "/api/v1/agents/health": {
              "get": {
                "tags": ["agents"], "operationId": "getHealth", "summary": "The health snapshot of every agent (role read)",
                "parameters": [{"name": "window", "in": "query", "description": "The statistics window in seconds (default 86400)", "schema": {"type": "integer", "minimum": 1, "maximum": 31536000}}],
                "responses": {
                  "200": {"description": "The snapshot", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/v1/scheduler/status": {
              "get": {
                "tags": ["agents"], "operationId": "getSchedulerStatus", "summary": "The scheduler's state, queue and live runners (role read)",
                "responses": {
                  "200": {"description": "The status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SchedulerStatus"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/v1/agents/{agentName}/schedule": {
              "get": {
                "tags": ["agents"], "operationId": "getSchedule", "summary": "An agent's schedule and its state (role read)",
                "parameters": [{"$ref": "#/components/parameters/agentNamePath"}],
                "responses": {
                  "200": {"description": "The schedule", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Schedule"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              },
              "put": {
                "tags": ["agents"], "operationId": "setSchedule",
                "summary": "Replace an agent's schedule until it is deleted (role operate)",
                "description": "Written to the store and applied by every live runner within a second (fires of the old schedule that have not started are dropped, not caught up); kept across restarts. A pause stays as it is. A cron expression that does not parse, or a schedule that never fires, is answered 400 with the parser's message.",
                "parameters": [{"$ref": "#/components/parameters/agentNamePath"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScheduleChange"}}}},
                "responses": {
                  "200": {"description": "The schedule afterwards", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Schedule"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"}
                }
              },
              "delete": {
                "tags": ["agents"], "operationId": "clearSchedule",
                "summary": "Go back to the configured schedule (role operate)",
                "description": "Removes the schedule set with PUT on every runner of the store; without one, changes nothing.",
                "parameters": [{"$ref": "#/components/parameters/agentNamePath"}],
                "responses": {
                  "200": {"description": "The schedule afterwards", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Schedule"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/v1/agents/{agentName}/pause": {
              "post": {
                "tags": ["agents"], "operationId": "pauseAgent", "summary": "Pause an agent on every runner of the store (role operate)",
                "parameters": [{"$ref": "#/components/parameters/agentNamePath"}],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"reason": {"type": ["string", "null"], "maxLength": 500}}}}}},
                "responses": {
                  "200": {"description": "The schedule afterwards", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Schedule"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"}
                }
              }
            },
            "/api/v1/agents/{agentName}/resume": {
              "post": {
                "tags": ["agents"], "operationId": "resumeAgent", "summary": "Resume an agent on every runner of the store (role operate)",
                "parameters": [{"$ref": "#/components/parameters/agentNamePath"}],
                "responses": {
                  "200": {"description": "The schedule afterwards", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Schedule"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"}
                }
              }
            },
            "/api/v1/pipelines": {
              "get": {
                "tags": ["pipelines"], "operationId": "pipelineFigures",
                "summary": "Figures of the staged pipelines per stage (role read)",
                "description": "Stage run duration p50/p95, retries, final failures by class, queue depth and hand-off latency (previous stage's end to the next stage's start), from the store: candidates moved by every process count.",
                "responses": {
                  "200": {"description": "One item per pipeline and stage", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StageFiguresList"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/v1/candidates": {
              "get": {
                "tags": ["pipelines"], "operationId": "listCandidates",
                "summary": "Pipeline candidates, oldest submission first (role read)",
                "parameters": [
                  {"name": "pipeline", "in": "query", "description": "Only this pipeline's candidates", "schema": {"type": "string"}},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
                ],
                "responses": {
                  "200": {"description": "The candidates", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CandidateList"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/v1/approvals": {
              "get": {
                "tags": ["approvals"], "operationId": "listApprovals",
                "summary": "Approval requests, oldest first (role read)",
                "description": "Runs that ended awaitingApproval get a request; each is pending until a person approves or rejects it, or its deadline passes (expired). Without state, requests in every state are listed.",
                "parameters": [
                  {"name": "state", "in": "query", "description": "One or more states, separated by commas", "schema": {"type": "string", "pattern": "^(pending|approved|rejected|expired)(,(pending|approved|rejected|expired))*$"}},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
                ],
                "responses": {
                  "200": {"description": "The requests", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApprovalList"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "501": {"$ref": "#/components/responses/ApprovalsUnsupported"}
                }
              }
            },
            "/api/v1/runs/{id}/approve": {
              "post": {
                "tags": ["approvals"], "operationId": "approveRun",
                "summary": "Approve what a run proposed: the run ends succeeded (role approve)",
                "description": "Decided once, in one compare-and-set in the store: repeating the same decision answers 200 with outcome unchanged and the stored decision; a different decision, or one at or after the deadline, is refused with 409.",
                "parameters": [{"$ref": "#/components/parameters/runID"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}},
                "responses": {
                  "200": {"description": "The outcome, the request as stored and the run afterwards", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DecisionResult"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/ApprovalConflict"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
                  "501": {"$ref": "#/components/responses/ApprovalsUnsupported"}
                }
              }
            },
            "/api/v1/runs/{id}/reject": {
              "post": {
                "tags": ["approvals"], "operationId": "rejectRun",
                "summary": "Reject what a run proposed: the run ends rejected (role approve)",
                "description": "As approve; the run ends rejected with who and why in its errorMessage (not a failure of its agent).",
                "parameters": [{"$ref": "#/components/parameters/runID"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}},
                "responses": {
                  "200": {"description": "The outcome, the request as stored and the run afterwards", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DecisionResult"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/ApprovalConflict"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
                  "501": {"$ref": "#/components/responses/ApprovalsUnsupported"}
                }
              }
            },
            "/api/v1/session": {
              "get": {
                "tags": ["system"], "operationId": "getSession", "summary": "The caller's roles (used by the dashboard to hide what it may not do)",
                "security": [{}, {"bearer": []}],
                "responses": {"200": {"description": "The session", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}}
              }
            },
            "/api/v1/metrics": {
              "get": {
                "tags": ["system"], "operationId": "getMetrics", "summary": "Prometheus text (also at /metrics; role read)",
                "responses": {
                  "200": {"description": "The metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            }
          },
          "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "headers": {"Location": {"schema": {"type": "string"}}},
            "parameters": {
              "agentNamePath": {"name": "agentName", "in": "path", "required": true, "description": "An agent of the configuration (the served document lists them)", "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"}},
              "agentNameQuery": {"name": "agentName", "in": "query", "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"}},
              "status": {"name": "status", "in": "query", "description": "One or more statuses, separated by commas", "schema": {"type": "string", "pattern": "^(queued|running|succeeded|failed|noOp|cancelled|timedOut|skipped|awaitingApproval|abandoned|rejected)(,(queued|running|succeeded|failed|noOp|cancelled|timedOut|skipped|awaitingApproval|abandoned|rejected))*$"}},
              "since": {"name": "since", "in": "query", "description": "Runs queued at or after this time", "schema": {"type": "string", "format": "date-time"}},
              "until": {"name": "until", "in": "query", "description": "Runs queued before this time", "schema": {"type": "string", "format": "date-time"}},
              "cursor": {"name": "cursor", "in": "query", "description": "The next_cursor of the previous page", "schema": {"type": "string"}},
              "runID": {"name": "id", "in": "path", "required": true, "description": "A run id: 26 characters of Crockford base 32", "schema": {"type": "string", "pattern": "^[0-7][0-9A-HJKMNP-TV-Z]{25}$"}}
            },
            "responses": {
              "BadRequest": {"description": "A bad parameter, header or body", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unauthorized": {"description": "No valid bearer token", "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Forbidden": {"description": "The token's role does not allow this", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "NotFound": {"description": "No such agent, run or log", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Conflict": {"description": "The run already ended, or the runner is shutting down", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "TooLarge": {"description": "The body is larger than 64 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "UnsupportedMediaType": {"description": "The body is not application/json", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "ApprovalConflict": {"description": "The run does not await approval (its status is in the message), its request is not recorded yet, it was already decided otherwise, or it expired", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "ApprovalsUnsupported": {"description": "The server's store keeps no approval requests", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
              "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}}
              },
              "RunRequest": {
                "type": "object", "additionalProperties": false,
                "properties": {
                  "parameters": {"type": ["object", "null"], "description": "The run's input, handed to the agent"},
                  "businessDate": {"type": ["string", "null"], "format": "date", "description": "The day the work is about, YYYY-MM-DD"},
                  "correlationId": {"type": ["string", "null"], "minLength": 1, "maxLength": 200}
                }
              },
              "Run": {
                "type": "object", "required": ["id", "agent", "status", "attempt", "queuedAt", "trigger", "idempotencyKey"],
                "properties": {
                  "id": {"type": "string"}, "agent": {"type": "string"},
                  "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "noOp", "cancelled", "timedOut", "skipped", "awaitingApproval", "abandoned", "rejected"]},
                  "trigger": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
                  "attempt": {"type": "integer", "minimum": 1}, "firstRunID": {"type": "string"},
                  "idempotencyKey": {"type": "string"}, "correlationID": {"type": "string"}, "businessDate": {"type": "string"},
                  "queuedAt": {"type": "string", "format": "date-time"}, "startedAt": {"type": "string", "format": "date-time"},
                  "endedAt": {"type": "string", "format": "date-time"}, "durationMs": {"type": "integer"},
                  "parameters": {}, "summary": {"type": "string"}, "errorClass": {"type": "string"}, "errorMessage": {"type": "string"},
                  "logExcerpt": {"type": "array", "items": {"type": "string"}}, "leaseOwner": {"type": "string"}
                }
              },
              "WaitingRun": {
                "type": "object", "required": ["state", "agent", "idempotencyKey"],
                "properties": {"state": {"const": "waiting"}, "agent": {"type": "string"}, "idempotencyKey": {"type": "string"}, "message": {"type": "string"}}
              },
              "RunPage": {
                "type": "object", "required": ["items", "next_cursor"],
                "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}}, "next_cursor": {"type": ["string", "null"]}}
              },
              "LogTail": {
                "type": "object", "required": ["runID", "stream", "lines", "totalLines"],
                "properties": {"runID": {"type": "string"}, "stream": {"type": "string"}, "totalLines": {"type": "integer"}, "lines": {"type": "array", "items": {"type": "string"}}}
              },
              "Cancellation": {
                "type": "object", "required": ["runID", "cancelling"],
                "properties": {"runID": {"type": "string"}, "cancelling": {"type": "boolean"}, "where": {"type": "string"}}
              },
              "AgentHealth": {
                "type": "object", "required": ["name", "state", "paused", "consecutiveFailures", "recent"],
                "properties": {
                  "name": {"type": "string"}, "state": {"type": "string", "enum": ["ok", "failing", "paused", "disabled", "new"]},
                  "paused": {"type": "boolean"}, "pausedReason": {"type": "string"}, "consecutiveFailures": {"type": "integer"},
                  "lastStatus": {"type": "string"}, "successRate": {"type": "number"}, "p50Ms": {"type": "integer"}, "p95Ms": {"type": "integer"},
                  "nextFireAt": {"type": "string"}, "serviceLevelBreached": {"type": "boolean"},
                  "recent": {"type": "array", "items": {"type": "object", "required": ["runID", "status"], "properties": {"runID": {"type": "string"}, "status": {"type": "string"}, "durationMs": {"type": "integer"}}}}
                }
              },
              "Health": {
                "type": "object", "required": ["takenAt", "windowSeconds", "state", "agents"],
                "properties": {"takenAt": {"type": "string"}, "windowSeconds": {"type": "integer"}, "state": {"type": "string"}, "agents": {"type": "array", "items": {"$ref": "#/components/schemas/AgentHealth"}}}
              },
              "SchedulerStatus": {
                "type": "object", "required": ["state", "queueDepth", "running", "liveRunners"],
                "properties": {
                  "state": {"type": "string"}, "queueDepth": {"type": "integer"}, "running": {"type": "integer"},
                  "waitingRetries": {"type": "integer"}, "concurrencyLimit": {"type": "integer"}, "runnerID": {"type": "string"},
                  "storeError": {"type": "string"}, "liveRunners": {"type": "array", "items": {"type": "object"}}
                }
              },
              "ScheduleConfiguration": {
                "oneOf": [
                  {"type": "object", "required": ["kind", "expression", "timeZone"], "properties": {"kind": {"const": "cron"}, "expression": {"type": "string"}, "timeZone": {"type": "string"}}},
                  {"type": "object", "required": ["kind", "everySeconds"], "properties": {"kind": {"const": "interval"}, "everySeconds": {"type": "number"}, "anchor": {"type": "string", "format": "date-time"}}},
                  {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "manual"}}}
                ]
              },
              "ScheduleChange": {
                "oneOf": [
                  {"type": "object", "required": ["cron"], "additionalProperties": false, "properties": {"cron": {"type": "string", "minLength": 1, "maxLength": 200, "examples": ["*/5 * * * *"]}, "timeZone": {"type": ["string", "null"], "examples": ["UTC", "Europe/Berlin"]}}},
                  {"type": "object", "required": ["interval"], "additionalProperties": false, "properties": {"interval": {"oneOf": [{"type": "string", "examples": ["15m", "1h30m"]}, {"type": "number", "minimum": 1}]}}},
                  {"type": "object", "required": ["manual"], "additionalProperties": false, "properties": {"manual": {"const": true}}}
                ]
              },
              "Schedule": {
                "type": "object", "required": ["agent", "schedule", "configuredSchedule", "overridden", "description", "paused", "enabled", "upcoming"],
                "properties": {
                  "agent": {"type": "string"}, "schedule": {"$ref": "#/components/schemas/ScheduleConfiguration"},
                  "configuredSchedule": {"$ref": "#/components/schemas/ScheduleConfiguration"},
                  "overridden": {"type": "boolean", "description": "Whether a schedule set with PUT replaces the configured one"},
                  "upcoming": {"type": "array", "items": {"type": "string", "format": "date-time"}, "description": "The schedule's next five fire times (empty for manual)"},
                  "description": {"type": "string"}, "enabled": {"type": "boolean"},
                  "paused": {"type": "boolean"}, "pausedReason": {"type": "string"}, "consecutiveFailures": {"type": "integer"},
                  "nextFireAt": {"type": "string"}, "lastFireAt": {"type": "string"}
                }
              },
              "Session": {
                "type": "object", "required": ["roles", "tokensRequired"],
                "properties": {"roles": {"type": "array", "items": {"type": "string", "enum": ["read", "operate", "approve"]}}, "tokensRequired": {"type": "boolean"}, "token": {"type": "string"}}
              },
              "Decision": {
                "type": "object", "required": ["approver"], "additionalProperties": false,
                "properties": {"approver": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}, "comment": {"type": ["string", "null"], "maxLength": 2000}}
              },
              "Approval": {
                "type": "object", "required": ["runID", "agentName", "state", "requestedBy", "requestedAt", "deadline", "approvers", "preventSelfApproval", "logExcerpt", "version"],
                "properties": {
                  "runID": {"type": "string"}, "agentName": {"type": "string"}, "planRunID": {"type": "string"}, "taskID": {"type": "string"},
                  "outputsURI": {"type": "string", "description": "Where the outputs to review are (a pull request)"}, "summary": {"type": "string"},
                  "logExcerpt": {"type": "array", "items": {"type": "string"}}, "requestedBy": {"type": "string"},
                  "requestedAt": {"type": "string", "format": "date-time"}, "deadline": {"type": "string", "format": "date-time"},
                  "approvers": {"type": "array", "items": {"type": "string"}, "description": "Who may decide; empty: anyone"},
                  "preventSelfApproval": {"type": "boolean"},
                  "state": {"type": "string", "enum": ["pending", "approved", "rejected", "expired"]},
                  "decision": {"type": "object", "required": ["state", "decidedBy", "decidedAt"], "properties": {"state": {"type": "string", "enum": ["approved", "rejected", "expired"]}, "decidedBy": {"type": "string"}, "decidedAt": {"type": "string", "format": "date-time"}, "comment": {"type": "string"}}},
                  "notifiedAt": {"type": "string", "format": "date-time"}, "version": {"type": "integer", "minimum": 0}
                }
              },
              "StageFiguresList": {
                "type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": {
                  "type": "object", "required": ["pipeline", "stage", "runs", "retries", "failureClasses", "queueDepth"],
                  "properties": {
                    "pipeline": {"type": "string"}, "stage": {"type": "string"}, "runs": {"type": "integer", "minimum": 0},
                    "durationP50Seconds": {"type": "number"}, "durationP95Seconds": {"type": "number"},
                    "retries": {"type": "integer", "minimum": 0},
                    "failureClasses": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "handOffP50Seconds": {"type": "number"}, "handOffP95Seconds": {"type": "number"},
                    "queueDepth": {"type": "integer", "minimum": 0}
                  }
                }}}
              },
              "CandidateList": {
                "type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": {
                  "type": "object", "required": ["id", "pipeline", "stage", "state", "failures", "attempts", "readySince", "createdAt", "updatedAt"],
                  "properties": {
                    "id": {"type": "string"}, "pipeline": {"type": "string"}, "stage": {"type": "integer", "minimum": 0},
                    "stageName": {"type": "string"},
                    "state": {"type": "string", "enum": ["ready", "running", "gating", "awaitingApproval", "paused", "completed", "abandoned"]},
                    "activeRunID": {"type": "string"}, "pausedBy": {"type": "string"}, "pausedReason": {"type": "string"},
                    "gate": {"type": "string", "enum": ["passed", "failed", "inconclusive"]},
                    "failures": {"type": "array", "items": {"type": "integer"}},
                    "attempts": {"type": "array", "items": {"type": "integer"}},
                    "readySince": {"type": "string", "format": "date-time"},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "updatedAt": {"type": "string", "format": "date-time"}
                  }
                }}}
              },
              "ApprovalList": {
                "type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Approval"}}}
              },
              "DecisionResult": {
                "type": "object", "required": ["outcome", "approval", "run"],
                "properties": {"outcome": {"type": "string", "enum": ["decided", "unchanged"]}, "approval": {"$ref": "#/components/schemas/Approval"}, "run": {"$ref": "#/components/schemas/Run"}}
              }
            }
          }
        }
        """#

    /// The document as served by a server: the `agentName` path parameter lists the configured agents, so
    /// clients (and API fuzzers) can name real ones.
    /// - Parameter agents: The configured agents.
    /// - Returns: The document's bytes.
    static func served(agents: [AgentName]) -> [UInt8] {
        guard !agents.isEmpty, case .object(var document)? = try? JSONValue.parse(json),
            case .object(var components)? = document["components"],
            case .object(var parameters)? = components["parameters"],
            case .object(var parameter)? = parameters["agentNamePath"]
        else { return Array(json.utf8) }
        parameter["schema"] = .object([
            "type": .string("string"), "enum": .array(agents.map { .string($0.rawValue) }),
        ])
        parameters["agentNamePath"] = .object(parameter)
        components["parameters"] = .object(parameters)
        document["components"] = .object(components)
        return Array(JSONValue.object(document).canonicalText.utf8)
    }
}
