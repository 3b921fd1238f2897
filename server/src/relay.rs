//! The simulator's relay: mailboxes that carry frames from the page to the simulator's worker
//! when the page cannot share memory with it (no cross-origin isolation, e.g. a page opened
//! over plain HTTP from another machine). The page posts each frame; the worker, which blocks
//! as a board blocks on its serial line, fetches them with a synchronous request that waits
//! here until one arrives (see `web/src/simlink.ts`). The server only stores and forwards
//! bytes; it never looks inside them.
//!
//! - `POST /api/simulator/{id}/frames`: the body is one frame.
//! - `GET  /api/simulator/{id}/frames?wait=MS`: every waiting frame, each as a `u32`
//!   little-endian length and its bytes, waiting up to `MS` (at most 25 s) for the first.
//!
//! A mailbox is made by its first request and forgotten after ten idle minutes; there are at
//! most 64, each holding at most 4 MiB.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;
use tokio::sync::Notify;

use crate::AppState;
use crate::error::AppError;

const MAX_MAILBOXES: usize = 64;
const MAX_BYTES: usize = 4 << 20;
const MAX_WAIT: Duration = Duration::from_secs(25);
const IDLE: Duration = Duration::from_secs(600);

#[derive(Default)]
pub struct Relays {
    boxes: Mutex<HashMap<String, Mailbox>>,
}

struct Mailbox {
    frames: VecDeque<Bytes>,
    bytes: usize,
    arrived: Arc<Notify>,
    touched: Instant,
}

impl Relays {
    /// The mailbox `id`, made if need be (forgetting idle ones first); `f` runs with it.
    fn with<T>(&self, id: &str, f: impl FnOnce(&mut Mailbox) -> T) -> Result<T, AppError> {
        let mut boxes = self.boxes.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        boxes.retain(|_, b| now.duration_since(b.touched) < IDLE);
        if !boxes.contains_key(id) && boxes.len() >= MAX_MAILBOXES {
            return Err(refused(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_simulators",
                "too many simulators are open on this server",
            ));
        }
        let mailbox = boxes.entry(id.to_string()).or_insert_with(|| Mailbox {
            frames: VecDeque::new(),
            bytes: 0,
            arrived: Arc::new(Notify::new()),
            touched: now,
        });
        mailbox.touched = now;
        Ok(f(mailbox))
    }

    fn post(&self, id: &str, frame: Bytes) -> Result<(), AppError> {
        self.with(id, |mailbox| {
            if mailbox.bytes + frame.len() > MAX_BYTES {
                return Err(refused(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "mailbox_full",
                    "the simulator is not taking its input",
                ));
            }
            mailbox.bytes += frame.len();
            mailbox.frames.push_back(frame);
            mailbox.arrived.notify_one();
            Ok(())
        })?
    }

    /// The waiting frames, encoded, waiting up to `wait` for the first.
    async fn take(&self, id: &str, wait: Duration) -> Result<Vec<u8>, AppError> {
        let deadline = tokio::time::Instant::now() + wait.min(MAX_WAIT);
        loop {
            let (out, arrived) = self.with(id, |mailbox| {
                let mut out = Vec::with_capacity(mailbox.bytes + 4 * mailbox.frames.len());
                for frame in mailbox.frames.drain(..) {
                    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                    out.extend_from_slice(&frame);
                }
                mailbox.bytes = 0;
                (out, mailbox.arrived.clone())
            })?;
            if !out.is_empty() {
                return Ok(out);
            }
            // A frame posted since the mailbox was emptied left a permit: no wake-up is lost.
            if tokio::time::timeout_at(deadline, arrived.notified())
                .await
                .is_err()
            {
                return Ok(Vec::new());
            }
        }
    }
}

fn refused(status: StatusCode, code: &'static str, message: &str) -> AppError {
    AppError::Refused {
        status,
        code,
        message: message.to_string(),
    }
}

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/simulator/{id}/frames", get(take).post(post))
        .layer(DefaultBodyLimit::max(MAX_BYTES))
}

fn check_id(id: &str) -> Result<(), AppError> {
    let fine = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if fine {
        Ok(())
    } else {
        Err(refused(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "a simulator id is 1 to 64 letters, digits or dashes",
        ))
    }
}

async fn post(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    check_id(&id)?;
    state.relays.post(&id, body)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct Wait {
    #[serde(default)]
    wait: u64,
}

async fn take(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(wait): Query<Wait>,
) -> Result<impl IntoResponse, AppError> {
    check_id(&id)?;
    let frames = state
        .relays
        .take(&id, Duration::from_millis(wait.wait))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        frames,
    ))
}

#[cfg(test)]
mod tests {
    use super::Relays;
    use axum::body::Bytes;
    use std::time::Duration;

    #[tokio::test]
    async fn frames_arrive_in_order_and_a_wait_ends_with_the_first() {
        let relays = std::sync::Arc::new(Relays::default());
        relays.post("a", Bytes::from_static(b"x")).unwrap();
        relays.post("a", Bytes::from_static(b"yz")).unwrap();
        let out = relays.take("a", Duration::ZERO).await.unwrap();
        assert_eq!(out, b"\x01\0\0\0x\x02\0\0\0yz");
        assert!(relays.take("a", Duration::ZERO).await.unwrap().is_empty());
        let waiting = {
            let relays = relays.clone();
            tokio::spawn(async move { relays.take("a", Duration::from_secs(5)).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        relays.post("a", Bytes::from_static(b"q")).unwrap();
        let out = waiting.await.unwrap().unwrap();
        assert_eq!(out, b"\x01\0\0\0q");
        // Another mailbox is another simulator.
        assert!(relays.take("b", Duration::ZERO).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_full_mailbox_refuses() {
        let relays = Relays::default();
        let big = Bytes::from(vec![0u8; super::MAX_BYTES]);
        relays.post("a", big).unwrap();
        assert!(relays.post("a", Bytes::from_static(b"x")).is_err());
    }
}
