//! The JSON API under `/api`.
//!
//! Handlers are small: they extract typed input, ask a board's task through its
//! [`BoardHandle`](crate::boards::BoardHandle), and turn the answer into the wire types below.
//! The wire types live here, so the rest of the crate does not depend on JSON.
//!
//! - `GET  /api/boards`            → `[Board]`
//! - `POST /api/boards/{id}/exec`  `{"code": "..."}` → `{"stdout": "...", "error": null | PyError}`
//! - `GET  /api/boards/{id}/fs?path=P[&recursive=true]` → `[{"name", "path", "dir", "size"}]`
//! - `GET  /api/boards/{id}/fs/file?path=P` → the bytes; `PUT` the bytes → `{"size", "sha256"}`
//! - `DELETE /api/boards/{id}/fs?path=P[&recursive=true]`
//! - `POST /api/boards/{id}/fs/mkdir` `{"path"}`; `POST /api/boards/{id}/fs/rename` `{"from", "to"}`
//! - `POST /api/boards/{id}/cancel`: stop the running transfer (409 `cancelled` for it)
//!
//! (`openapi.rs` lists them all.)

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::boards::{BoardHandle, BoardKind, Event, FileAnswer, FileOp};
use crate::device::{ExecOutput, PyException};
use crate::error::AppError;
use crate::files::TransferState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/boards", get(list_boards).post(add_board))
        .route("/boards/{id}", axum::routing::delete(remove_board))
        .route("/boards/{id}/connect", post(connect_board))
        .route("/boards/{id}/disconnect", post(disconnect_board))
        .route("/boards/{id}/fs/stat", get(stat_file))
        .route("/boards/{id}/df", get(disk_free))
        .route(
            "/boards/{id}/sync",
            post(sync_workspace).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route("/events", get(events))
        .route("/ports", get(list_ports))
        .route(
            "/openapi.json",
            get(async || Json(crate::openapi::document())),
        )
        .route("/boards/{id}/exec", post(exec))
        .route("/boards/{id}/fs", get(list_files).delete(remove_file))
        .route(
            "/boards/{id}/fs/file",
            get(read_file)
                .put(write_file)
                .layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route("/boards/{id}/terminal", get(terminal))
        .route("/boards/{id}/run", get(run))
        .route("/boards/{id}/reset", post(reset))
        .route("/boards/{id}/info", get(info))
        .route("/boards/{id}/interrupt", post(interrupt))
        .route("/boards/{id}/cancel", post(cancel))
        .route("/boards/{id}/fs/mkdir", post(make_dir))
        .route("/boards/{id}/fs/rename", post(rename_file))
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
                BoardKind::Socket => "socket",
                BoardKind::WebRepl => "webrepl",
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

#[derive(Debug, Deserialize)]
pub struct AddBoardRequest {
    /// A serial device path (a pseudo-terminal too), `socket://HOST:PORT` or a WebREPL
    /// `ws://HOST[:PORT]`.
    pub port: String,
    /// The WebREPL password.
    pub password: Option<String>,
}

/// `POST /api/boards`: connect a board by its port (201), or connect the board already
/// listed at that port (200). Connecting sends nothing to it, so a running program goes on
/// until an operation needs the board.
async fn add_board(
    State(state): State<Arc<AppState>>,
    request: Result<Json<AddBoardRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Board>), AppError> {
    let Json(request) = request?;
    let endpoint =
        crate::transport::Endpoint::parse(&request.port, request.password).map_err(|message| {
            AppError::BadRequest {
                status: StatusCode::BAD_REQUEST,
                message,
            }
        })?;
    let id = crate::boards::BoardInfo::id_for(&request.port);
    if let Some(board) = state.boards.get(&id)
        && board.info().endpoint == endpoint
    {
        board.connect().await?;
        return Ok((StatusCode::OK, Json(Board::from(&board))));
    }
    let transport = endpoint.open().await.map_err(|e| AppError::BadRequest {
        status: StatusCode::BAD_GATEWAY,
        message: e.to_string(),
    })?;
    let info = crate::boards::BoardInfo::new(id, endpoint);
    let handle = BoardHandle::spawn(info, Some(transport), crate::device::Timeouts::default());
    state.boards.insert(handle.clone());
    Ok((StatusCode::CREATED, Json(Board::from(&handle))))
}

/// `DELETE /api/boards/{id}`: forget a board (closing its connection). A plugged-in board
/// comes back with the next look at the ports; the virtual board can't be removed.
async fn remove_board(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let board = board(&state, id.clone())?;
    if board.info().kind == BoardKind::Virtual {
        return Err(AppError::BadRequest {
            status: StatusCode::CONFLICT,
            message: "the virtual board can't be removed (start with --no-virtual-board)"
                .to_string(),
        });
    }
    board.disconnect().await?;
    state.boards.remove(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/boards/{id}/connect`: open the board's connection now.
async fn connect_board(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Board>, AppError> {
    let board = board(&state, id)?;
    board.connect().await?;
    Ok(Json(Board::from(&board)))
}

/// `POST /api/boards/{id}/disconnect`: close the connection, freeing the port for other
/// programs (esptool, mpremote); the next operation opens it again.
async fn disconnect_board(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Board>, AppError> {
    let board = board(&state, id)?;
    board.disconnect().await?;
    Ok(Json(Board::from(&board)))
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

/// The largest file a request may upload.
pub const MAX_FILE: usize = 16 * 1024 * 1024;

/// A board path from a request: absolute, `/`-separated, without `.`, `..` or control
/// characters (refused rather than resolved), normalised to single slashes.
pub fn board_path(path: &str) -> Result<String, AppError> {
    let bad = || AppError::InvalidPath(path.to_string());
    if !path.starts_with('/') || path.chars().any(|c| c.is_control()) {
        return Err(bad());
    }
    let mut parts = Vec::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." {
            return Err(bad());
        }
        parts.push(part);
    }
    Ok(format!("/{}", parts.join("/")))
}

#[derive(Debug, Deserialize)]
pub struct PathQuery {
    pub path: String,
    #[serde(default)]
    pub recursive: bool,
}

/// An entry of a board directory.
#[derive(Debug, Serialize)]
pub struct FileEntry {
    pub name: String,
    pub path: String,
    pub dir: bool,
    pub size: u64,
}

#[derive(Debug, Serialize)]
pub struct WriteResponse {
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Deserialize)]
pub struct MkdirRequest {
    pub path: String,
}

#[derive(Debug, Deserialize)]
pub struct RenameRequest {
    pub from: String,
    pub to: String,
}

fn board(state: &AppState, id: String) -> Result<BoardHandle, AppError> {
    state.boards.get(&id).ok_or(AppError::BoardNotFound(id))
}

async fn list_files(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    q: Result<Query<PathQuery>, QueryRejection>,
) -> Result<Json<Vec<FileEntry>>, AppError> {
    let Query(q) = q?;
    let path = board_path(&q.path)?;
    let board = board(&state, id)?;
    match board
        .file(FileOp::List {
            path,
            recursive: q.recursive,
        })
        .await?
    {
        FileAnswer::Entries(entries) => Ok(Json(
            entries
                .into_iter()
                .map(|e| FileEntry {
                    name: e.name,
                    path: e.path,
                    dir: e.dir,
                    size: e.size,
                })
                .collect(),
        )),
        _ => unreachable!("a listing answers entries"),
    }
}

async fn read_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    q: Result<Query<PathQuery>, QueryRejection>,
) -> Result<impl IntoResponse, AppError> {
    let Query(q) = q?;
    let path = board_path(&q.path)?;
    let board = board(&state, id)?;
    match board.file(FileOp::Read { path }).await? {
        FileAnswer::Data(data) => Ok(([(header::CONTENT_TYPE, "application/octet-stream")], data)),
        _ => unreachable!("a read answers data"),
    }
}

async fn write_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    q: Result<Query<PathQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<WriteResponse>, AppError> {
    let Query(q) = q?;
    let body = body?;
    let path = board_path(&q.path)?;
    let board = board(&state, id)?;
    let data = body.to_vec();
    match board.file(FileOp::Write { path, data }).await? {
        FileAnswer::Written(w) => Ok(Json(WriteResponse {
            size: w.size,
            sha256: w.sha256,
        })),
        _ => unreachable!("a write answers what was written"),
    }
}

async fn remove_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    q: Result<Query<PathQuery>, QueryRejection>,
) -> Result<StatusCode, AppError> {
    let Query(q) = q?;
    let path = board_path(&q.path)?;
    let board = board(&state, id)?;
    board
        .file(FileOp::Remove {
            path,
            recursive: q.recursive,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn make_dir(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    request: Result<Json<MkdirRequest>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let Json(request) = request?;
    let path = board_path(&request.path)?;
    let board = board(&state, id)?;
    board.file(FileOp::Mkdir { path }).await?;
    Ok(StatusCode::CREATED)
}

async fn rename_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    request: Result<Json<RenameRequest>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let Json(request) = request?;
    let (from, to) = (board_path(&request.from)?, board_path(&request.to)?);
    let board = board(&state, id)?;
    board.file(FileOp::Rename { from, to }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What `GET /api/boards/{id}/fs/stat` says of a path.
#[derive(Debug, Serialize)]
pub struct StatResponse {
    pub path: String,
    pub dir: bool,
    pub size: u64,
    pub mtime: i64,
}

async fn stat_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    q: Result<Query<PathQuery>, QueryRejection>,
) -> Result<Json<StatResponse>, AppError> {
    let Query(q) = q?;
    let path = board_path(&q.path)?;
    let board = board(&state, id)?;
    match board.file(FileOp::Stat { path: path.clone() }).await? {
        FileAnswer::Stat(s) => Ok(Json(StatResponse {
            path,
            dir: s.dir,
            size: s.size,
            mtime: s.mtime,
        })),
        _ => unreachable!("a stat answers a stat"),
    }
}

/// A mounted filesystem in `GET /api/boards/{id}/df`.
#[derive(Debug, Serialize)]
pub struct MountView {
    pub mount: String,
    pub size: u64,
    pub used: u64,
    pub free: u64,
}

async fn disk_free(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Vec<MountView>>, AppError> {
    match board(&state, id)?.file(FileOp::Df).await? {
        FileAnswer::Mounts(mounts) => Ok(Json(
            mounts
                .into_iter()
                .map(|m| MountView {
                    mount: m.mount,
                    size: m.size,
                    used: m.used,
                    free: m.free,
                })
                .collect(),
        )),
        _ => unreachable!("df answers mounts"),
    }
}

#[derive(Debug, Deserialize)]
pub struct SyncRequest {
    /// A workspace folder (relative to the workspace; empty for all of it).
    #[serde(default)]
    pub from: String,
    /// The board folder it goes to.
    #[serde(default = "root")]
    pub to: String,
    /// Only say what a sync would do; write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

fn root() -> String {
    "/".to_string()
}

/// A file of a sync: its board path and size in bytes (the workspace copy's, or for a file
/// only on the board, the board's).
#[derive(Debug, Serialize)]
pub struct SyncFileView {
    pub path: String,
    pub size: u64,
}

fn sync_files(files: Vec<crate::files::SyncFile>) -> Vec<SyncFileView> {
    files
        .into_iter()
        .map(|f| SyncFileView {
            path: f.path,
            size: f.size,
        })
        .collect()
}

/// What `POST /api/boards/{id}/sync` answers.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SyncResponse {
    /// A dry run: what a sync would do.
    Preview {
        dry_run: bool,
        new: Vec<SyncFileView>,
        changed: Vec<SyncFileView>,
        unchanged: Vec<SyncFileView>,
        only_on_board: Vec<SyncFileView>,
    },
    /// A sync: the paths written and those left as they were, then the same detail as a
    /// dry run's (but for `unchanged`, which stays a list of paths).
    Done {
        dry_run: bool,
        sent: Vec<String>,
        unchanged: Vec<String>,
        new: Vec<SyncFileView>,
        changed: Vec<SyncFileView>,
        only_on_board: Vec<SyncFileView>,
    },
}

impl SyncResponse {
    fn new(synced: crate::files::Synced, dry_run: bool) -> Self {
        let (new, changed) = (sync_files(synced.new), sync_files(synced.changed));
        let only_on_board = sync_files(synced.only_on_board);
        if dry_run {
            SyncResponse::Preview {
                dry_run,
                new,
                changed,
                unchanged: sync_files(synced.unchanged),
                only_on_board,
            }
        } else {
            SyncResponse::Done {
                dry_run,
                sent: synced.sent,
                unchanged: synced.unchanged.into_iter().map(|f| f.path).collect(),
                new,
                changed,
                only_on_board,
            }
        }
    }
}

/// `POST /api/boards/{id}/sync` `{"from", "to", "dry_run"?}`: every file of a workspace
/// folder (names starting with `.` left out) to a board folder, sending only those whose
/// SHA-256 differs from the board's copy; with `dry_run`, nothing is written and the answer
/// says what would be.
async fn sync_workspace(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    request: Result<Json<SyncRequest>, JsonRejection>,
) -> Result<Json<SyncResponse>, AppError> {
    let Json(request) = request?;
    let to = board_path(&request.to)?;
    let from = crate::workspace::resolve(&state.workspace, &request.from)?;
    let board = board(&state, id)?;
    let local = tokio::task::spawn_blocking(move || crate::workspace::read_tree(&from))
        .await
        .map_err(|e| AppError::Workspace {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "workspace_error",
            message: e.to_string(),
        })??;
    let files = local
        .into_iter()
        .map(|(rel, data)| (format!("{}/{rel}", to.trim_end_matches('/')), data))
        .collect();
    let dry_run = request.dry_run;
    let op = FileOp::Sync {
        dir: to,
        files,
        dry_run,
    };
    match board.file(op).await? {
        FileAnswer::Synced(s) => Ok(Json(SyncResponse::new(s, dry_run))),
        _ => unreachable!("a sync answers what it did"),
    }
}

#[derive(Debug, Deserialize)]
pub struct ResetRequest {
    /// `soft` or `hard`.
    pub kind: String,
}

async fn reset(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    request: Result<Json<ResetRequest>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let Json(request) = request?;
    let hard = match request.kind.as_str() {
        "soft" => false,
        "hard" => true,
        other => {
            return Err(AppError::BadRequest {
                status: StatusCode::BAD_REQUEST,
                message: format!("reset kind is \"soft\" or \"hard\", not {other:?}"),
            });
        }
    };
    board(&state, id)?.reset(hard).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/boards/{id}/terminal` (WebSocket): the board's REPL, bytes both ways (binary
/// or text messages in, binary messages out). Operations on the board pause it.
async fn terminal(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    ws: WebSocketUpgrade,
) -> Result<axum::response::Response, AppError> {
    let board = board(&state, id)?;
    let (keys, mut screen) = board.terminal().await?;
    Ok(ws.on_upgrade(move |mut socket| async move {
        loop {
            tokio::select! {
                message = socket.recv() => match message {
                    Some(Ok(Message::Binary(bytes))) => {
                        if keys.send(bytes.to_vec()).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(Message::Text(text))) => {
                        if keys.send(text.as_bytes().to_vec()).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
                bytes = screen.recv() => match bytes {
                    Some(bytes) => {
                        if socket.send(Message::Binary(bytes.into())).await.is_err() {
                            break;
                        }
                    }
                    None => break,
                },
            }
        }
    }))
}

/// What a run WebSocket's client sends while the program runs.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum RunMessage {
    /// Interrupt the program.
    Stop,
    /// Bytes for the program's standard input (`input()`, `sys.stdin`), as typed.
    Input { data: String },
}

/// What a run WebSocket's client asks first: code, or a file of the workspace.
#[derive(Debug, Deserialize)]
pub struct RunRequest {
    pub code: Option<String>,
    pub file: Option<String>,
}

/// `GET /api/boards/{id}/run` (WebSocket): the client sends `{"code"}` or `{"file"}` (a
/// workspace path); the server sends `{"type": "output", "data"}` as the program prints and
/// `{"type": "done", "error": null | {…}}` at the end. `{"type": "stop"}` from the client
/// interrupts the program; `{"type": "input", "data"}` is typed into its standard input.
async fn run(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    ws: WebSocketUpgrade,
) -> Result<axum::response::Response, AppError> {
    let board = board(&state, id)?;
    Ok(ws.on_upgrade(move |mut socket| async move {
        let request = match socket.recv().await {
            Some(Ok(Message::Text(text))) => serde_json::from_str::<RunRequest>(&text).ok(),
            _ => None,
        };
        let code = match request {
            Some(RunRequest {
                code: Some(code), ..
            }) => Ok(code),
            Some(RunRequest {
                file: Some(file), ..
            }) => crate::workspace::resolve(&state.workspace, &file)
                .map_err(|_| format!("not a workspace path: {file:?}"))
                .and_then(|path| std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))),
            _ => Err("send {\"code\"} or {\"file\"} first".to_string()),
        };
        let code = match code {
            Ok(code) => code,
            Err(message) => {
                let _ = socket
                    .send(done_message(Some(failure("RequestError", message))))
                    .await;
                return;
            }
        };
        let (tx, mut output) = tokio::sync::mpsc::unbounded_channel();
        let (keys, input) = tokio::sync::mpsc::unbounded_channel();
        let runner = {
            let board = board.clone();
            tokio::spawn(async move { board.run(code, tx, input).await })
        };
        let mut runner = std::pin::pin!(runner);
        let mut page_here = true;
        let outcome = loop {
            tokio::select! {
                Some(chunk) = output.recv() => {
                    let _ = socket.send(output_message(&chunk)).await;
                }
                message = socket.recv(), if page_here => match message {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str(&text) {
                        Ok(RunMessage::Stop) => board.interrupt(),
                        // What the user types goes to the program's standard input.
                        Ok(RunMessage::Input { data }) => {
                            let _ = keys.send(data.into_bytes());
                        }
                        Err(_) => {}
                    },
                    Some(Ok(_)) => {}
                    // The page went away: stop the program, don't leave it running.
                    _ => {
                        page_here = false;
                        board.interrupt();
                    }
                },
                done = &mut runner => break done,
            }
        };
        // Output that came just before the end.
        while let Ok(chunk) = output.try_recv() {
            let _ = socket.send(output_message(&chunk)).await;
        }
        let error = match outcome {
            Ok(Ok(out)) => out.exception.map(PyError::from),
            Ok(Err(e)) => Some(failure("BoardError", e.to_string())),
            Err(e) => Some(failure("BoardError", e.to_string())),
        };
        let _ = socket.send(done_message(error)).await;
        let _ = socket.send(Message::Close(None)).await;
    }))
}

/// What `GET /api/boards/{id}/info` reports (-1 where the board can't tell).
#[derive(Debug, Serialize)]
pub struct BoardFacts {
    pub implementation: String,
    pub version: String,
    pub platform: String,
    pub machine: String,
    pub release: String,
    pub mem_free: i64,
    pub mem_alloc: i64,
    pub fs_size: i64,
    pub fs_free: i64,
}

/// The board's own account of itself, asked with stock MicroPython only (each part is
/// optional on the board: `gc`, `os.uname`, `os.statvfs`).
const INFO_CODE: &str = "import sys, os\n\
try:\n import gc\n f = gc.mem_free()\n a = gc.mem_alloc()\nexcept Exception:\n f = a = -1\n\
try:\n u = os.uname()\n m = u.machine\n r = u.release\nexcept Exception:\n m = r = ''\n\
try:\n s = os.statvfs('/')\n t = s[0] * s[2]\n fr = s[0] * s[3]\nexcept Exception:\n t = fr = -1\n\
i = sys.implementation\n\
for x in (i.name, '.'.join(str(n) for n in i.version[:3]), sys.platform, m, r, f, a, t, fr):\n print(x)\n";

async fn info(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<BoardFacts>, AppError> {
    let out = board(&state, id)?.exec(INFO_CODE.to_string()).await?;
    if let Some(e) = out.exception {
        return Err(AppError::File(crate::files::FileError::Board(e)));
    }
    let lines: Vec<&str> = out.stdout.lines().map(str::trim_end).collect();
    let text = |i: usize| lines.get(i).copied().unwrap_or("").to_string();
    let number = |i: usize| lines.get(i).and_then(|l| l.parse().ok()).unwrap_or(-1);
    Ok(Json(BoardFacts {
        implementation: text(0),
        version: text(1),
        platform: text(2),
        machine: text(3),
        release: text(4),
        mem_free: number(5),
        mem_alloc: number(6),
        fs_size: number(7),
        fs_free: number(8),
    }))
}

/// `GET /api/ports`: the serial ports that could be boards, with their USB identity and a
/// recognisable name (nothing is opened).
async fn list_ports() -> Result<Json<Vec<crate::ports::PortView>>, AppError> {
    let ports = tokio::task::spawn_blocking(crate::ports::list)
        .await
        .unwrap_or_default();
    Ok(Json(ports.into_iter().map(Into::into).collect()))
}

/// A run's `{"type": "output", "data"}` message.
fn output_message(chunk: &[u8]) -> Message {
    let data = String::from_utf8_lossy(chunk);
    Message::Text(
        serde_json::json!({"type": "output", "data": data})
            .to_string()
            .into(),
    )
}

/// A run's last message, `{"type": "done", "error"}`.
fn done_message(error: Option<PyError>) -> Message {
    Message::Text(
        serde_json::json!({"type": "done", "error": error})
            .to_string()
            .into(),
    )
}

/// A run that failed outside the program (a bad request, a lost board), as an error.
fn failure(kind: &str, message: String) -> PyError {
    PyError {
        kind: kind.to_string(),
        message,
        traceback: String::new(),
        file: None,
        line: None,
    }
}

/// A transfer's progress as `/api/events` tells it.
#[derive(Debug, Serialize)]
pub struct TransferEvent<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub board: &'a str,
    pub path: &'a str,
    pub done: u64,
    pub total: u64,
    /// `running`, `done`, `cancelled` or `failed`.
    pub state: &'static str,
}

/// An event as its WebSocket message.
fn event_message(event: &Event) -> Message {
    let text = match event {
        Event::BoardsChanged => r#"{"type":"boards_changed"}"#.to_string(),
        Event::Transfer(t) => serde_json::to_string(&TransferEvent {
            kind: "transfer",
            board: &t.board,
            path: &t.path,
            done: t.done,
            total: t.total,
            state: match t.state {
                TransferState::Running => "running",
                TransferState::Done => "done",
                TransferState::Cancelled => "cancelled",
                TransferState::Failed => "failed",
            },
        })
        .expect("a transfer event serialises"),
    };
    Message::Text(text.into())
}

/// `GET /api/events` (WebSocket): `{"type": "boards_changed"}` when the list of boards or a
/// board's connection changes (and once at the start, and whenever the page fell behind),
/// for the page to fetch `GET /api/boards` again; `{"type": "transfer", "board", "path",
/// "done", "total", "state"}` while a file is written to a board (at most ten a second
/// while `running`, then one `done`, `cancelled` or `failed`).
async fn events(
    State(state): State<Arc<AppState>>,
    ws: WebSocketUpgrade,
) -> axum::response::Response {
    let mut changes = state.boards.subscribe();
    ws.on_upgrade(move |mut socket| async move {
        if socket
            .send(event_message(&Event::BoardsChanged))
            .await
            .is_err()
        {
            return;
        }
        loop {
            tokio::select! {
                change = changes.recv() => match change {
                    Ok(event) => {
                        if socket.send(event_message(&event)).await.is_err() {
                            break;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        if socket.send(event_message(&Event::BoardsChanged)).await.is_err() {
                            break;
                        }
                    }
                    Err(_) => break,
                },
                message = socket.recv() => match message {
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
            }
        }
    })
}

/// Interrupts what runs on the board now (it needn't wait for the board's queue).
async fn interrupt(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    board(&state, id)?.interrupt();
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/boards/{id}/cancel`: cancels the transfer running on the board (a file
/// write or a sync) without waiting for the queue. It stops before its next chunk or file,
/// removes its temporary file and keeps the old file; its request answers 409 `cancelled`.
/// With nothing running, nothing happens. 204 either way.
async fn cancel(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    board(&state, id)?.cancel();
    Ok(StatusCode::NO_CONTENT)
}

async fn not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_string())
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
