//! The one error type of the HTTP API.
//!
//! Every handler returns `Result<_, AppError>`; this module alone decides the status code and
//! writes the body, always `{"error": {"code": "...", "message": "..."}}`. The `code` is a
//! stable, machine-readable word for the page to branch on; `message` is for people.

use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::boards::BoardError;
use crate::device::DeviceError;
use crate::files::FileError;

#[derive(Debug)]
pub enum AppError {
    /// No board has this id.
    BoardNotFound(String),
    /// No API endpoint has this path.
    NotFound(String),
    /// The endpoint exists but not for this method.
    MethodNotAllowed,
    /// The request body is not the JSON the endpoint expects.
    BadRequest { status: StatusCode, message: String },
    /// The board was found but the operation on it failed.
    Board(BoardError),
    /// A file operation on the board failed.
    File(FileError),
    /// A path that is not a clean absolute board path (`..`, control characters).
    InvalidPath(String),
    /// Refused by the front door (`guard.rs`): a foreign `Host` or `Origin`.
    Forbidden { code: &'static str, message: String },
    /// The server wants its `--token` and the request didn't carry it.
    Unauthorized,
    /// Refused for a reason of its own (the simulator's relay: a full mailbox, a bad id).
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// A workspace file operation failed.
    Workspace {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

fn device_status(e: &DeviceError) -> (StatusCode, &'static str) {
    match e {
        DeviceError::Timeout { .. } => (StatusCode::GATEWAY_TIMEOUT, "device_timeout"),
        DeviceError::Closed { .. } | DeviceError::Io(_) => {
            (StatusCode::BAD_GATEWAY, "board_disconnected")
        }
        DeviceError::Protocol { .. } => (StatusCode::BAD_GATEWAY, "device_protocol"),
        DeviceError::ControlByteInCode { .. } => (StatusCode::BAD_REQUEST, "invalid_code"),
        DeviceError::OutputTooLarge { .. } => (StatusCode::BAD_GATEWAY, "output_too_large"),
    }
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BoardNotFound(_) => (StatusCode::NOT_FOUND, "board_not_found"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::BadRequest { status, .. } if *status == StatusCode::PAYLOAD_TOO_LARGE => {
                (*status, "body_too_large")
            }
            AppError::BadRequest { status, .. } => (*status, "bad_request"),
            AppError::Board(BoardError::Disconnected) => {
                (StatusCode::SERVICE_UNAVAILABLE, "board_disconnected")
            }
            AppError::Board(BoardError::Device(e)) => device_status(e),
            // The page asked for it: a conflict with the request the transfer served.
            AppError::File(FileError::Cancelled) => (StatusCode::CONFLICT, "cancelled"),
            AppError::File(FileError::Device(e)) => device_status(e),
            AppError::File(e @ FileError::Board(_)) => match e.errno() {
                Some("ENOENT") => (StatusCode::NOT_FOUND, "no_such_file"),
                Some("EEXIST") => (StatusCode::CONFLICT, "file_exists"),
                Some("ENOTEMPTY") => (StatusCode::CONFLICT, "directory_not_empty"),
                Some("EISDIR") => (StatusCode::CONFLICT, "is_a_directory"),
                Some("ENOTDIR") => (StatusCode::CONFLICT, "not_a_directory"),
                Some("EROFS") | Some("EACCES") => (StatusCode::FORBIDDEN, "read_only"),
                Some("ENOSPC") => (StatusCode::INSUFFICIENT_STORAGE, "no_space"),
                _ => (StatusCode::UNPROCESSABLE_ENTITY, "board_error"),
            },
            AppError::File(FileError::Verify { .. }) => (StatusCode::BAD_GATEWAY, "verify_failed"),
            AppError::File(FileError::Garbled(_)) => (StatusCode::BAD_GATEWAY, "device_protocol"),
            AppError::InvalidPath(_) => (StatusCode::BAD_REQUEST, "invalid_path"),
            AppError::Forbidden { code, .. } => (StatusCode::FORBIDDEN, code),
            AppError::Workspace { status, code, .. } | AppError::Refused { status, code, .. } => {
                (*status, code)
            }
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "token_required"),
        }
    }

    fn message(&self) -> String {
        match self {
            AppError::BoardNotFound(id) => format!("no board with id {id:?}"),
            AppError::NotFound(path) => format!("no API endpoint at {path}"),
            AppError::MethodNotAllowed => "this endpoint does not accept that method".to_string(),
            AppError::BadRequest { message, .. } => message.clone(),
            AppError::Board(e) => e.to_string(),
            AppError::File(e) => e.to_string(),
            AppError::InvalidPath(p) => format!("not a valid board path: {p:?}"),
            AppError::Unauthorized => {
                "this server needs its token (Authorization: Bearer TOKEN, or ?token=TOKEN)"
                    .to_string()
            }
            AppError::Forbidden { message, .. }
            | AppError::Workspace { message, .. }
            | AppError::Refused { message, .. } => message.clone(),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        AppError::BadRequest {
            status: rejection.status(),
            message: rejection.body_text(),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest {
            status: rejection.status(),
            message: rejection.body_text(),
        }
    }
}

impl From<BytesRejection> for AppError {
    fn from(rejection: BytesRejection) -> Self {
        AppError::BadRequest {
            status: rejection.status(),
            message: rejection.body_text(),
        }
    }
}

impl From<FileError> for AppError {
    fn from(e: FileError) -> Self {
        AppError::File(e)
    }
}

impl From<BoardError> for AppError {
    fn from(e: BoardError) -> Self {
        AppError::Board(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = self.message();
        if status.is_server_error() {
            tracing::warn!(code, "{message}");
        }
        let body = json!({ "error": { "code": code, "message": message } });
        (status, Json(body)).into_response()
    }
}
