//! The workspace: the project folder on disk that the IDE edits (`--workspace DIR`, by
//! default the current directory). Every path is relative to it and stays inside it: `..`,
//! absolute paths and control characters are refused, and so is a path that leads out
//! through a symbolic link. Writes go to a temporary file renamed over the target, so a
//! failed write leaves the old file.
//!
//! - `GET /api/workspace?path=P` → `[{"name", "path", "dir", "size"}]` (`path=` is the root)
//! - `GET /api/workspace/file?path=P` → the bytes; `PUT` the bytes → `{"size", "sha256"}`
//! - `DELETE /api/workspace?path=P[&recursive=true]`
//! - `POST /api/workspace/mkdir` `{"path"}`; `POST /api/workspace/rename` `{"from", "to"}`

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::AppState;
use crate::api::{
    FileEntry as Entry, MAX_FILE, MkdirRequest, RenameRequest, WriteResponse as Written,
};
use crate::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace", get(list).delete(remove))
        .route(
            "/workspace/file",
            get(read).put(write).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route("/workspace/mkdir", post(mkdir))
        .route("/workspace/rename", post(rename))
}

#[derive(Debug, Deserialize)]
pub struct PathQuery {
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub recursive: bool,
}

/// The file or folder `rel` inside `root`: refused unless it is a plain relative path
/// whose real location (symbolic links followed, as far as it exists) is inside `root`.
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf, AppError> {
    let bad = || AppError::InvalidPath(rel.to_string());
    if rel.chars().any(char::is_control) || rel.starts_with('/') || rel.contains('\\') {
        return Err(bad());
    }
    let mut path = root.to_path_buf();
    for part in Path::new(rel).components() {
        match part {
            Component::Normal(p) => path.push(p),
            Component::CurDir => {}
            _ => return Err(bad()),
        }
    }
    // The deepest part that exists must really be inside the root.
    let root_real = root.canonicalize().map_err(|_| bad())?;
    let mut existing = path.as_path();
    while !existing.exists() {
        existing = existing.parent().ok_or_else(bad)?;
    }
    let real = existing.canonicalize().map_err(|_| bad())?;
    if !real.starts_with(&root_real) {
        return Err(bad());
    }
    Ok(path)
}

/// Most bytes a folder may hold to be synced in one request.
pub const MAX_TREE: u64 = 64 * 1024 * 1024;

/// Every file under `dir`, as (path relative to `dir` with `/`, bytes), in path order.
/// Names starting with `.` (`.git`, `.venv`, editors' files) and symbolic links are left
/// out, so nothing from outside the folder comes along.
pub fn read_tree(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    fn walk(
        dir: &Path,
        rel: &str,
        out: &mut Vec<(String, Vec<u8>)>,
        total: &mut u64,
    ) -> Result<(), AppError> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| io_error(e, rel))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = join(rel, &name);
            let kind = entry.file_type().map_err(|e| io_error(e, &path))?;
            if kind.is_dir() {
                walk(&entry.path(), &path, out, total)?;
            } else if kind.is_file() {
                let data = std::fs::read(entry.path()).map_err(|e| io_error(e, &path))?;
                *total += data.len() as u64;
                if *total > MAX_TREE {
                    return Err(AppError::Workspace {
                        status: StatusCode::PAYLOAD_TOO_LARGE,
                        code: "folder_too_large",
                        message: format!("more than {MAX_TREE} bytes to sync"),
                    });
                }
                out.push((path, data));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out, &mut 0)?;
    Ok(out)
}

fn io_error(e: io::Error, rel: &str) -> AppError {
    let (status, code) = match e.kind() {
        io::ErrorKind::NotFound => (StatusCode::NOT_FOUND, "no_such_file"),
        io::ErrorKind::AlreadyExists => (StatusCode::CONFLICT, "file_exists"),
        io::ErrorKind::DirectoryNotEmpty => (StatusCode::CONFLICT, "directory_not_empty"),
        io::ErrorKind::IsADirectory => (StatusCode::CONFLICT, "is_a_directory"),
        io::ErrorKind::NotADirectory => (StatusCode::CONFLICT, "not_a_directory"),
        io::ErrorKind::PermissionDenied => (StatusCode::FORBIDDEN, "permission_denied"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "io_error"),
    };
    AppError::Workspace {
        status,
        code,
        message: format!("{rel}: {e}"),
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{}/{name}", dir.trim_end_matches('/'))
    }
}

async fn list(
    State(state): State<Arc<AppState>>,
    q: Result<Query<PathQuery>, QueryRejection>,
) -> Result<Json<Vec<Entry>>, AppError> {
    let Query(q) = q?;
    let dir = resolve(&state.workspace, &q.path)?;
    let mut entries = Vec::new();
    let mut reader = tokio::fs::read_dir(&dir)
        .await
        .map_err(|e| io_error(e, &q.path))?;
    while let Some(entry) = reader
        .next_entry()
        .await
        .map_err(|e| io_error(e, &q.path))?
    {
        let meta = entry.metadata().await.map_err(|e| io_error(e, &q.path))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        entries.push(Entry {
            path: join(&q.path, &name),
            name,
            dir: meta.is_dir(),
            size: if meta.is_dir() { 0 } else { meta.len() },
        });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(entries))
}

async fn read(
    State(state): State<Arc<AppState>>,
    q: Result<Query<PathQuery>, QueryRejection>,
) -> Result<impl IntoResponse, AppError> {
    let Query(q) = q?;
    let path = resolve(&state.workspace, &q.path)?;
    let data = tokio::fs::read(&path)
        .await
        .map_err(|e| io_error(e, &q.path))?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], data))
}

async fn write(
    State(state): State<Arc<AppState>>,
    q: Result<Query<PathQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Written>, AppError> {
    let Query(q) = q?;
    let body = body?;
    let path = resolve(&state.workspace, &q.path)?;
    if q.path.is_empty() {
        return Err(AppError::InvalidPath(q.path));
    }
    let tmp = path.with_file_name(format!(
        ".{}.copperhead-tmp",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    let written = async {
        tokio::fs::write(&tmp, &body).await?;
        tokio::fs::rename(&tmp, &path).await
    }
    .await;
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(io_error(e, &q.path));
    }
    Ok(Json(Written {
        size: body.len() as u64,
        sha256: crate::files::sha256_hex(&body),
    }))
}

async fn remove(
    State(state): State<Arc<AppState>>,
    q: Result<Query<PathQuery>, QueryRejection>,
) -> Result<StatusCode, AppError> {
    let Query(q) = q?;
    if q.path.is_empty() {
        return Err(AppError::InvalidPath(q.path));
    }
    let path = resolve(&state.workspace, &q.path)?;
    let meta = tokio::fs::symlink_metadata(&path)
        .await
        .map_err(|e| io_error(e, &q.path))?;
    let done = if meta.is_dir() && q.recursive {
        tokio::fs::remove_dir_all(&path).await
    } else if meta.is_dir() {
        tokio::fs::remove_dir(&path).await
    } else {
        tokio::fs::remove_file(&path).await
    };
    done.map_err(|e| io_error(e, &q.path))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn mkdir(
    State(state): State<Arc<AppState>>,
    request: Result<Json<MkdirRequest>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let Json(request) = request?;
    let path = resolve(&state.workspace, &request.path)?;
    tokio::fs::create_dir(&path)
        .await
        .map_err(|e| io_error(e, &request.path))?;
    Ok(StatusCode::CREATED)
}

async fn rename(
    State(state): State<Arc<AppState>>,
    request: Result<Json<RenameRequest>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let Json(request) = request?;
    let from = resolve(&state.workspace, &request.from)?;
    let to = resolve(&state.workspace, &request.to)?;
    tokio::fs::rename(&from, &to)
        .await
        .map_err(|e| io_error(e, &request.from))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_workspace() {
        let root = std::env::temp_dir().join(format!("copperhead-ws-unit-{}", std::process::id()));
        std::fs::create_dir_all(root.join("a")).unwrap();
        assert_eq!(resolve(&root, "a/new.py").unwrap(), root.join("a/new.py"));
        assert_eq!(resolve(&root, "").unwrap(), root);
        for bad in ["../x", "a/../../x", "/etc/passwd", "a/\u{1}", "a\\..\\x"] {
            assert!(resolve(&root, bad).is_err(), "{bad}");
        }
        std::os::unix::fs::symlink("/tmp", root.join("out")).unwrap_or(());
        assert!(
            resolve(&root, "out/x").is_err(),
            "a link out of the workspace"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
