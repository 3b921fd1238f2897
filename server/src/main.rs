//! `copperhead`: binds, starts the virtual board and the port watcher, prints the URL, serves until Ctrl-C/SIGTERM.
//!
//! The one line on stdout, `Copperhead is running at http://ADDR/`, is an interface: the xtask
//! and the tests read it to learn the real address (`--listen 127.0.0.1:0` picks a free port).
//! Everything else goes to stderr through `tracing` (`RUST_LOG` sets the level, default info).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use copperhead_server::{AppState, app, virtual_board};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The Copperhead device server and browser IDE.
#[derive(Debug, Parser)]
#[command(name = "copperhead", version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
    listen: String,
    /// Do not start the virtual board (copperhead-board --pty).
    #[arg(long)]
    no_virtual_board: bool,
    /// Required to listen on an address other than loopback: every request must then carry
    /// it (`Authorization: Bearer TOKEN`, or `?token=TOKEN` for the page and WebSockets).
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// Open the IDE in the browser once the server is up.
    #[arg(long)]
    open: bool,
    /// The project folder the IDE edits.
    #[arg(long, value_name = "DIR", default_value = ".")]
    workspace: std::path::PathBuf,
    /// The virtual board's filesystem (default: the board's own default folder).
    #[arg(long, value_name = "DIR")]
    board_fs: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind(&cli.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cli.listen))?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        if cli.token.is_none() {
            return Err(format!(
                "{addr} is reachable from other machines: give a --token that every request must carry"
            )
            .into());
        }
        tracing::warn!(
            "listening on {addr}, which is reachable from other machines (token required)"
        );
    }

    if !cli.workspace.is_dir() {
        return Err(format!("the workspace {} is not a folder", cli.workspace.display()).into());
    }
    let mut state = AppState::with_workspace(cli.workspace.clone());
    state.token = cli.token.clone();
    let state = Arc::new(state);
    let virtual_board = if cli.no_virtual_board {
        None
    } else {
        let exe = virtual_board::board_executable();
        match virtual_board::start(&exe, cli.board_fs.as_deref(), &state.boards).await {
            Ok(board) => Some(board),
            Err(e) => {
                tracing::error!("{e}; continuing without the virtual board");
                None
            }
        }
    };

    // USB boards appear and disappear with the ports.
    tokio::spawn(copperhead_server::hotplug::watch(state.clone()));

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "Copperhead is running at http://{addr}/")?;
    stdout.flush()?;
    drop(stdout);
    if cli.open {
        // Best effort: a desktop's opener; the URL is printed above anyway.
        let url = format!("http://{addr}/");
        if let Err(e) = std::process::Command::new("xdg-open").arg(&url).spawn() {
            tracing::warn!("cannot open a browser ({e}); open {url}");
        }
    }

    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shutting down");
    if let Some(board) = virtual_board {
        board.shutdown().await;
    }
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
