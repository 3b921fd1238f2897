//! The JSON API under `/api`.
//!
//! Handlers are small: they extract typed input, ask a board's task through its
//! [`BoardHandle`](crate::boards::BoardHandle), and turn the answer into the wire types below.
//! The wire types live here, so the rest of the crate does not depend on JSON.
//!
//! - `GET  /api/boards`            → `[Board]`
//! - `POST /api/boards/{id}/exec`  `{"code": "..."}` → `{"stdout": "...", "error": null | PyError}`

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::boards::{BoardHandle, BoardKind};
use crate::device::{ExecOutput, PyException};
use crate::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/boards", get(list_boards))
        .route("/boards/{id}/exec", post(exec))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// A board as the page sees it.
#[derive(Debug, Serialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub port: String,
    pub usb: Option<Usb>,
    pub connected: bool,
}

#[derive(Debug, Serialize)]
pub struct Usb {
    pub vid: u16,
    pub pid: u16,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub serial_number: Option<String>,
}

impl From<&BoardHandle> for Board {
    fn from(handle: &BoardHandle) -> Self {
        let info = handle.info();
        Board {
            id: info.id.clone(),
            name: info.name.clone(),
            kind: match info.kind {
                BoardKind::Virtual => "virtual",
                BoardKind::Serial => "serial",
            },
            port: info.port.clone(),
            usb: info.usb.as_ref().map(|u| Usb {
                vid: u.vid,
                pid: u.pid,
                manufacturer: u.manufacturer.clone(),
                product: u.product.clone(),
                serial_number: u.serial_number.clone(),
            }),
            connected: handle.is_connected(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ExecRequest {
    pub code: String,
}

#[derive(Debug, Serialize)]
pub struct ExecResponse {
    /// What the program printed, with the board's `\r\n` line ends.
    pub stdout: String,
    pub error: Option<PyError>,
}

/// An uncaught exception; `traceback` keeps the board's `\r\n` line ends.
#[derive(Debug, Serialize)]
pub struct PyError {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    pub traceback: String,
    pub file: Option<String>,
    pub line: Option<u32>,
}

impl From<ExecOutput> for ExecResponse {
    fn from(output: ExecOutput) -> Self {
        ExecResponse {
            stdout: output.stdout,
            error: output.exception.map(PyError::from),
        }
    }
}

impl From<PyException> for PyError {
    fn from(e: PyException) -> Self {
        PyError {
            kind: e.kind,
            message: e.message,
            traceback: e.traceback,
            file: e.file,
            line: e.line,
        }
    }
}

async fn list_boards(State(state): State<Arc<AppState>>) -> Json<Vec<Board>> {
    Json(state.boards.list().iter().map(Board::from).collect())
}

async fn exec(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    request: Result<Json<ExecRequest>, JsonRejection>,
) -> Result<Json<ExecResponse>, AppError> {
    let board = state.boards.get(&id).ok_or(AppError::BoardNotFound(id))?;
    let Json(request) = request?;
    let output = board.exec(request.code).await?;
    Ok(Json(output.into()))
}

async fn not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_string())
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
