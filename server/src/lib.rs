//! copperhead-server: the local device server behind the browser IDE.
//!
//! It owns every board (one task per board, see [`boards`]), speaks MicroPython's raw REPL to
//! them over any [`transport`] ([`device`]), offers a JSON API ([`api`]) and serves the
//! embedded page ([`assets`]). The binary `copperhead` (main.rs) only parses the command line,
//! binds, starts the [`virtual_board`] and serves [`app`].
//!
//! The server never runs user Python itself: code always goes to a board.

pub mod api;
pub mod assets;
pub mod boards;
pub mod device;
pub mod error;
pub mod files;
pub mod guard;
pub mod headers;
pub mod hotplug;
pub mod openapi;
pub mod ports;
pub mod relay;
pub mod transport;
pub mod virtual_board;
pub mod webrepl;
pub mod workspace;

use std::sync::Arc;

use axum::Router;

use crate::boards::Boards;

/// What every handler can reach. Shared as `Arc<AppState>`.
#[derive(Default)]
pub struct AppState {
    pub boards: Boards,
    /// The project folder the IDE edits (see [`workspace`]).
    pub workspace: std::path::PathBuf,
    /// When set, every request must carry it (see [`guard`]).
    pub token: Option<String>,
    /// Mailboxes for simulators that cannot share memory with their page (see [`relay`]).
    pub relays: relay::Relays,
}

impl AppState {
    pub fn new() -> Self {
        Self::with_workspace(std::path::PathBuf::from("."))
    }

    pub fn with_workspace(workspace: std::path::PathBuf) -> Self {
        AppState {
            boards: Boards::new(),
            workspace,
            token: None,
            relays: relay::Relays::default(),
        }
    }
}

/// The whole HTTP surface: `/api/...` for the JSON API, every other path for the page;
/// behind the front door ([`guard`]), with compression and security headers on every
/// response ([`headers`]), refusals included.
pub fn app(state: Arc<AppState>) -> Router {
    let router = Router::new()
        .nest(
            "/api",
            api::router()
                .merge(workspace::router())
                .merge(relay::router()),
        )
        .fallback(assets::serve)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check,
        ));
    headers::wrap(router).with_state(state)
}
