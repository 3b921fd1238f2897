//! `GET /api/openapi.json`: the API described as OpenAPI 3.1, written out by hand next to
//! the router so that the two are changed together (a test checks every route is in it).

use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}, "description": description})
}

fn query_param(name: &str, kind: &str, required: bool, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": required, "schema": {"type": kind}, "description": description})
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn bytes_body() -> Value {
    json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})
}

fn ok_json(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn ok_bytes() -> Value {
    json!({"description": "the file's bytes", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})
}

/// The whole document.
pub fn document() -> Value {
    let id = path_param("id", "the board's id, from GET /api/boards");
    let path_q = query_param("path", "string", true, "an absolute board path");
    let ws_path_q = query_param(
        "path",
        "string",
        false,
        "a path inside the workspace ('' is its root)",
    );
    let recursive = query_param("recursive", "boolean", false, "descend into folders");
    let entries = json!({"type": "array", "items": {"$ref": "#/components/schemas/Entry"}});
    let written = json!({"$ref": "#/components/schemas/Written"});
    let refused = error_response("refused: see error.code");
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Copperhead device server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Boards running MicroPython (or Copperhead) over serial, TCP, WebREPL and the virtual board; their files; the IDE's workspace. Every error is {\"error\": {\"code\", \"message\"}}."
        },
        "paths": {
            "/api/boards": {
                "get": {"summary": "the boards the server knows", "responses": {"200": ok_json("boards", json!({"type": "array", "items": {"$ref": "#/components/schemas/Board"}}))}},
                "post": {
                    "summary": "add a board by device path, socket://HOST:PORT or WebREPL ws://HOST[:PORT] (with its password); 200 when it was listed already",
                    "requestBody": json_body(json!({"type": "object", "required": ["port"], "properties": {"port": {"type": "string"}, "password": {"type": "string"}}})),
                    "responses": {"201": ok_json("the board", json!({"$ref": "#/components/schemas/Board"})), "200": ok_json("the board, connected", json!({"$ref": "#/components/schemas/Board"})), "400": refused.clone(), "502": refused.clone()}
                }
            },
            "/api/boards/{id}/exec": {
                "post": {
                    "summary": "run code in the board's raw REPL",
                    "parameters": [id.clone()],
                    "requestBody": json_body(json!({"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}})),
                    "responses": {"200": ok_json("what it printed, and its exception", json!({"$ref": "#/components/schemas/ExecResult"})), "404": refused.clone()}
                }
            },
            "/api/boards/{id}/interrupt": {
                "post": {"summary": "Ctrl-C to what runs now", "parameters": [id.clone()], "responses": {"204": {"description": "sent"}}}
            },
            "/api/boards/{id}/cancel": {
                "post": {"summary": "cancel the transfer running on the board (a file write or a sync), past the board's queue: it stops before its next chunk or file, and its request answers 409 with error code cancelled; with nothing running, nothing happens", "parameters": [id.clone()], "responses": {"204": {"description": "asked (or nothing to cancel)"}, "404": refused.clone()}}
            },
            "/api/boards/{id}/reset": {
                "post": {
                    "summary": "soft or hard reset",
                    "parameters": [id.clone()],
                    "requestBody": json_body(json!({"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["soft", "hard"]}}})),
                    "responses": {"204": {"description": "reset"}, "400": refused.clone()}
                }
            },
            "/api/boards/{id}/info": {
                "get": {"summary": "the board's implementation, version, platform, machine, memory and filesystem size", "parameters": [id.clone()], "responses": {"200": ok_json("facts", json!({"type": "object"}))}}
            },
            "/api/boards/{id}/terminal": {
                "get": {"summary": "WebSocket: the board's REPL, bytes both ways (paused while an operation runs)", "parameters": [id.clone()], "responses": {"101": {"description": "switching to WebSocket"}}}
            },
            "/api/boards/{id}/run": {
                "get": {"summary": "WebSocket: send {\"code\"} or {\"file\"} (a workspace path); receive {\"type\": \"output\", \"data\"} as it prints and {\"type\": \"done\", \"error\"}; send {\"type\": \"stop\"} to interrupt and {\"type\": \"input\", \"data\"} to type into its standard input", "parameters": [id.clone()], "responses": {"101": {"description": "switching to WebSocket"}}}
            },
            "/api/boards/{id}/fs": {
                "get": {"summary": "list a board folder", "parameters": [id.clone(), path_q.clone(), recursive.clone()], "responses": {"200": ok_json("entries", entries.clone()), "404": refused.clone()}},
                "delete": {"summary": "remove a file or folder", "parameters": [id.clone(), path_q.clone(), recursive.clone()], "responses": {"204": {"description": "removed"}, "409": refused.clone()}}
            },
            "/api/boards/{id}/fs/file": {
                "get": {"summary": "read a board file", "parameters": [id.clone(), path_q.clone()], "responses": {"200": ok_bytes(), "404": refused.clone()}},
                "put": {"summary": "write a board file (atomic, verified by SHA-256); its progress goes out on /api/events as transfer events", "parameters": [id.clone(), path_q.clone()], "requestBody": bytes_body(), "responses": {"200": ok_json("what was written", written.clone()), "409": error_response("cancelled (POST …/cancel): the temporary file is removed and the old file kept"), "413": refused.clone()}}
            },
            "/api/boards/{id}/fs/mkdir": {
                "post": {"summary": "make a board folder", "parameters": [id.clone()], "requestBody": json_body(json!({"type": "object", "required": ["path"], "properties": {"path": {"type": "string"}}})), "responses": {"201": {"description": "made"}, "409": refused.clone()}}
            },
            "/api/boards/{id}/fs/rename": {
                "post": {"summary": "rename on the board", "parameters": [id.clone()], "requestBody": json_body(json!({"type": "object", "required": ["from", "to"], "properties": {"from": {"type": "string"}, "to": {"type": "string"}}})), "responses": {"204": {"description": "renamed"}, "404": refused.clone()}}
            },
            "/api/workspace": {
                "get": {"summary": "list a workspace folder", "parameters": [ws_path_q.clone()], "responses": {"200": ok_json("entries", entries.clone()), "400": refused.clone()}},
                "delete": {"summary": "remove from the workspace", "parameters": [ws_path_q.clone(), recursive.clone()], "responses": {"204": {"description": "removed"}, "409": refused.clone()}}
            },
            "/api/workspace/file": {
                "get": {"summary": "read a workspace file", "parameters": [ws_path_q.clone()], "responses": {"200": ok_bytes(), "404": refused.clone()}},
                "put": {"summary": "write a workspace file (atomic)", "parameters": [ws_path_q.clone()], "requestBody": bytes_body(), "responses": {"200": ok_json("what was written", written)}}
            },
            "/api/workspace/mkdir": {
                "post": {"summary": "make a workspace folder", "requestBody": json_body(json!({"type": "object", "required": ["path"], "properties": {"path": {"type": "string"}}})), "responses": {"201": {"description": "made"}}}
            },
            "/api/workspace/rename": {
                "post": {"summary": "rename in the workspace", "requestBody": json_body(json!({"type": "object", "required": ["from", "to"], "properties": {"from": {"type": "string"}, "to": {"type": "string"}}})), "responses": {"204": {"description": "renamed"}}}
            },
            "/api/simulator/{id}/frames": {
                "post": {"summary": "the simulator's relay, for a page without shared memory: the body is one frame for the simulator's worker `id` (1-64 letters, digits, dashes)", "parameters": [id.clone()], "requestBody": bytes_body(), "responses": {"204": {"description": "queued"}, "413": refused.clone()}},
                "get": {"summary": "the frames waiting for simulator `id`, each a u32 little-endian length and its bytes; waits up to `wait` ms (at most 25 s) for the first", "parameters": [id.clone(), {"name": "wait", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": ok_bytes()}}
            },
            "/api/ports": {
                "get": {"summary": "serial ports that could be boards, with USB identity and a recognisable name (nothing is opened)", "responses": {"200": ok_json("ports", json!({"type": "array", "items": {"type": "object", "properties": {"port": {"type": "string"}, "name": {"type": "string"}, "usb": {"type": ["object", "null"]}}}}))}}
            },
            "/api/events": {
                "get": {"summary": "WebSocket: {\"type\": \"boards_changed\"} when the boards or their connections change (and first); {\"type\": \"transfer\", \"board\", \"path\", \"done\", \"total\", \"state\"} while a file is written to a board (a PUT or each file of a sync): at most ten a second with state running, then one with done, cancelled or failed", "responses": {"101": {"description": "switching to WebSocket"}}}
            },
            "/api/openapi.json": {
                "get": {"summary": "this document", "responses": {"200": ok_json("OpenAPI 3.1", json!({"type": "object"}))}}
            }
        },
        "components": {"schemas": {
            "Board": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"},
                "kind": {"enum": ["serial", "webrepl", "virtual", "socket"]},
                "port": {"type": "string"}, "usb": {"type": ["object", "null"]}, "connected": {"type": "boolean"}
            }},
            "ExecResult": {"type": "object", "properties": {
                "stdout": {"type": "string"},
                "error": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
                    "type": {"type": "string"}, "message": {"type": "string"}, "traceback": {"type": "string"},
                    "file": {"type": ["string", "null"]}, "line": {"type": ["integer", "null"]}
                }}]}
            }},
            "Entry": {"type": "object", "properties": {"name": {"type": "string"}, "path": {"type": "string"}, "dir": {"type": "boolean"}, "size": {"type": "integer"}}},
            "Written": {"type": "object", "properties": {"size": {"type": "integer"}, "sha256": {"type": "string"}}},
            "TransferEvent": {"type": "object", "description": "an /api/events message", "properties": {"type": {"const": "transfer"}, "board": {"type": "string"}, "path": {"type": "string"}, "done": {"type": "integer", "description": "bytes on the board so far"}, "total": {"type": "integer"}, "state": {"enum": ["running", "done", "cancelled", "failed"]}}},
            "SyncFile": {"type": "object", "properties": {"path": {"type": "string", "description": "board path"}, "size": {"type": "integer", "description": "bytes"}}},
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
        }}
    });
    // The board management routes (one json! of everything would pass the macro's limit).
    let files = json!({"type": "array", "items": {"$ref": "#/components/schemas/SyncFile"}});
    let paths = json!({"type": "array", "items": {"type": "string"}});
    let more = json!({
            "/api/boards/{id}": {
                "delete": {"summary": "forget a board, closing its connection", "parameters": [id.clone()], "responses": {"204": {"description": "forgotten"}, "409": refused.clone()}}
            },
            "/api/boards/{id}/connect": {
                "post": {"summary": "open the board's connection now (operations open it themselves)", "parameters": [id.clone()], "responses": {"200": ok_json("the board", json!({"$ref": "#/components/schemas/Board"})), "502": refused.clone()}}
            },
            "/api/boards/{id}/disconnect": {
                "post": {"summary": "close the connection, freeing the port for other programs", "parameters": [id.clone()], "responses": {"200": ok_json("the board", json!({"$ref": "#/components/schemas/Board"}))}}
            },
            "/api/boards/{id}/df": {
                "get": {"summary": "every mounted filesystem with its size, used and free bytes", "parameters": [id.clone()], "responses": {"200": ok_json("mounts", json!({"type": "array", "items": {"type": "object", "properties": {"mount": {"type": "string"}, "size": {"type": "integer"}, "used": {"type": "integer"}, "free": {"type": "integer"}}}}))}}
            },
            "/api/boards/{id}/sync": {
                "post": {
                    "summary": "send a workspace folder (from, '' for all of it) to a board folder (to, default /): only the files whose SHA-256 differs, each written atomically; with dry_run, nothing is written and the answer says what would be. Hidden names (starting with '.') are left out on both sides. POST …/cancel stops it before its next file (or between chunks of the one being written): 409 cancelled",
                    "parameters": [id.clone()],
                    "requestBody": json_body(json!({"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}, "dry_run": {"type": "boolean", "default": false}}})),
                    "responses": {
                        "200": ok_json("dry run: new (not on the board), changed (other bytes there), unchanged, only_on_board (under to on the board, not in the folder), each [{path, size}]; sync: sent and unchanged as lists of paths, with new, changed and only_on_board as in a dry run", json!({"oneOf": [
                            {"type": "object", "properties": {"dry_run": {"const": true}, "new": files.clone(), "changed": files.clone(), "unchanged": files.clone(), "only_on_board": files.clone()}},
                            {"type": "object", "properties": {"dry_run": {"const": false}, "sent": paths.clone(), "unchanged": paths.clone(), "new": files.clone(), "changed": files.clone(), "only_on_board": files.clone()}}
                        ]})),
                        "400": refused.clone(),
                        "409": error_response("cancelled (POST …/cancel); the files sent before it stay, the one being written is kept as it was")
                    }
                }
            },
            "/api/boards/{id}/fs/stat": {
                "get": {"summary": "os.stat of a board path", "parameters": [id.clone(), path_q.clone()], "responses": {"200": ok_json("its kind, size and time", json!({"type": "object", "properties": {"path": {"type": "string"}, "dir": {"type": "boolean"}, "size": {"type": "integer"}, "mtime": {"type": "integer"}}})), "404": refused.clone()}}
            }
    });
    if let (Some(paths), Value::Object(more)) = (document["paths"].as_object_mut(), more) {
        paths.extend(more);
    }
    document
}
