//! `cargo xtask bench page`: what the IDE costs a browser.
//!
//! - Weight: every file of `web/dist/` (built just before, through [`ide::start`]), raw, gzipped
//!   and brotli-compressed at the server's level (5 for both, see `server/src/headers.rs`),
//!   grouped as JS, CSS, wasm and HTML.
//! - Time: the IDE started as `cargo xtask run` ships it (the release server; the wasm is always
//!   release) with a fresh project and board folder under `target/page-bench/`, then
//!   `bench/page.mjs` in headless Chromium: per round a cold load in a fresh browser context
//!   and a warm reload in the same one, timed by the page's own clock from navigation start to
//!   an editable editor and to the Simulator's banner (and that worker's own start to its
//!   banner). The script prints JSON; this
//!   prints medians and ranges, and what crossed the wire on the first cold load.

use crate::Result;
use crate::ide::{self, RunOptions};
use crate::tools::{self, root};
use serde_json::Value;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub const DEFAULT_ROUNDS: usize = 5;

/// The server's compression level (`QUALITY` in `server/src/headers.rs`): gzip 5, brotli 5.
const LEVEL: u32 = 5;
/// Brotli's window (`lgwin`) by default, which the server keeps.
const BROTLI_WINDOW: u32 = 22;

/// The project the page opens: one file, so that its first tab has something to show.
const MAIN_PY: &str = "\
import time

for i in range(5):
    print(i, \"squared is\", i * i)
    time.sleep_ms(100)
";

pub fn run(rounds: usize) -> Result {
    tools::ensure_chromium()?;
    let scratch = tools::target_dir().join("page-bench");
    let _ = std::fs::remove_dir_all(&scratch);
    let workspace = scratch.join("project");
    let board_fs = scratch.join("board");
    for dir in [&workspace, &board_fs] {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    std::fs::write(workspace.join("main.py"), MAIN_PY)
        .map_err(|e| format!("cannot write into {}: {e}", workspace.display()))?;
    let options = RunOptions {
        debug: false,
        listen: format!("127.0.0.1:{}", free_port()?),
        open: false,
        workspace: Some(workspace),
        board_fs: Some(board_fs),
    };
    // Builds web/dist (web::build_web), then the release server, and starts it.
    let mut server = ide::start(&options)?;
    let outcome = weigh(&root().join("web/dist")).and_then(|assets| {
        server.wait_ready(Duration::from_secs(60))?;
        let report = browse(&server.url, rounds)?;
        println!();
        print_weights(&assets);
        println!();
        print_times(&report)?;
        print_transfer(&report, &assets);
        Ok(())
    });
    server.stop();
    outcome
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

// ---- weight ----------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Js,
    Css,
    Wasm,
    Html,
    Other,
}

impl Kind {
    fn of(name: &str) -> Kind {
        match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("js" | "mjs") => Kind::Js,
            Some("css") => Kind::Css,
            Some("wasm") => Kind::Wasm,
            Some("html") => Kind::Html,
            _ => Kind::Other,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Js => "JS",
            Kind::Css => "CSS",
            Kind::Wasm => "wasm",
            Kind::Html => "HTML",
            Kind::Other => "other",
        }
    }
}

/// One file of `web/dist/` and its sizes in bytes.
struct Asset {
    name: String,
    kind: Kind,
    raw: u64,
    gzip: u64,
    brotli: u64,
}

/// Every file of `dist`, compressed as the server compresses, in table order.
fn weigh(dist: &Path) -> Result<Vec<Asset>> {
    let mut assets = Vec::new();
    for entry in
        std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !path.is_file() {
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assets.push(Asset {
            kind: Kind::of(&name),
            raw: bytes.len() as u64,
            gzip: gzip_size(&bytes)?,
            brotli: brotli_size(&bytes)?,
            name,
        });
    }
    if assets.is_empty() {
        return Err(format!("{} is empty", dist.display()));
    }
    assets.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    Ok(assets)
}

fn gzip_size(bytes: &[u8]) -> Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(LEVEL));
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map(|out| out.len() as u64)
        .map_err(|e| format!("gzip: {e}"))
}

fn brotli_size(bytes: &[u8]) -> Result<u64> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 64 * 1024, LEVEL, BROTLI_WINDOW);
        encoder
            .write_all(bytes)
            .and_then(|()| encoder.flush())
            .map_err(|e| format!("brotli: {e}"))?;
    }
    Ok(out.len() as u64)
}

const NAME_WIDTH: usize = 36;
const BYTES_WIDTH: usize = 11;

fn print_weights(assets: &[Asset]) {
    println!(
        "page weight: web/dist/, in bytes (gzip level {LEVEL} and brotli quality {LEVEL}, as the server sends it)"
    );
    println!(
        "{:NAME_WIDTH$}{:>BYTES_WIDTH$}{:>BYTES_WIDTH$}{:>BYTES_WIDTH$}",
        "asset", "raw", "gzip", "brotli"
    );
    let row = |name: &str, raw: u64, gzip: u64, brotli: u64| {
        println!(
            "{name:NAME_WIDTH$}{:>BYTES_WIDTH$}{:>BYTES_WIDTH$}{:>BYTES_WIDTH$}",
            digits(raw),
            digits(gzip),
            digits(brotli)
        );
    };
    let sum = |assets: &mut dyn Iterator<Item = &Asset>| {
        assets.fold((0, 0, 0), |(r, g, b), a| {
            (r + a.raw, g + a.gzip, b + a.brotli)
        })
    };
    let mut kinds: Vec<Kind> = assets.iter().map(|a| a.kind).collect();
    kinds.dedup();
    for kind in kinds {
        let of_kind: Vec<&Asset> = assets.iter().filter(|a| a.kind == kind).collect();
        for asset in &of_kind {
            row(
                &format!("  {}", asset.name),
                asset.raw,
                asset.gzip,
                asset.brotli,
            );
        }
        let (raw, gzip, brotli) = sum(&mut of_kind.iter().copied());
        row(kind.label(), raw, gzip, brotli);
    }
    let (raw, gzip, brotli) = sum(&mut assets.iter());
    row("total", raw, gzip, brotli);
    let code = |a: &&Asset| matches!(a.kind, Kind::Js | Kind::Css | Kind::Wasm);
    let (_, gzip, brotli) = sum(&mut assets.iter().filter(code));
    println!(
        "JS + CSS + wasm: {} gzipped ({} brotli)",
        kib(gzip as f64),
        kib(brotli as f64)
    );
}

/// `1234567` as `1 234 567`.
fn digits(n: u64) -> String {
    let text = n.to_string();
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn kib(bytes: f64) -> String {
    format!("{:.1} KiB", bytes / 1024.0)
}

// ---- time ------------------------------------------------------------------------------------

/// Runs `bench/page.mjs` against `url` and returns its JSON.
fn browse(url: &str, rounds: usize) -> Result<Value> {
    let mut command = Command::new("node");
    command
        .arg("bench/page.mjs")
        .arg(url)
        .arg(rounds.to_string())
        .current_dir(root());
    println!("$ {}", tools::describe(&command));
    let out = tools::output(&mut command)?;
    serde_json::from_str(&out).map_err(|e| format!("bench/page.mjs printed no JSON ({e}): {out}"))
}

/// The figures the script reports for each load, with their labels.
const MARKS: [(&str, &str); 7] = [
    ("editable editor", "editable"),
    ("Simulator banner", "simulator"),
    ("(new Worker → banner)", "simulatorBoot"),
    ("(worker's clock)", "workerBoot"),
    ("first contentful paint", "firstContentfulPaint"),
    ("DOMContentLoaded", "domContentLoaded"),
    ("load event", "load"),
];
const TIME_WIDTH: usize = 8;

fn print_times(report: &Value) -> Result {
    let loads = |which: &str| {
        report[which]
            .as_array()
            .cloned()
            .ok_or_else(|| format!("bench/page.mjs gave no `{which}` loads"))
    };
    let (cold, warm) = (loads("cold")?, loads("warm")?);
    println!(
        "time from navigation start, in ms: {} round(s) in headless Chromium {}",
        cold.len(),
        report["chromium"].as_str().unwrap_or("?")
    );
    println!("(cold: a fresh browser context, empty cache; warm: reloaded in the same context)");
    let group = |title: &str| format!("{title:^width$}", width = 3 * TIME_WIDTH);
    let groups = format!("{:24}  {}  {}", "", group("cold"), group("warm"));
    println!("{}", groups.trim_end());
    let mut head = format!("{:24}  ", "from navigation start to");
    for _ in 0..2 {
        for title in ["median", "min", "max"] {
            let _ = write!(head, "{title:>TIME_WIDTH$}");
        }
        head.push_str("  ");
    }
    println!("{}", head.trim_end());
    let mut notes = Vec::new();
    for (label, key) in MARKS {
        let mut line = format!("{label:24}  ");
        for (which, loads) in [("cold", &cold), ("warm", &warm)] {
            let times: Vec<f64> = loads.iter().filter_map(|l| l[key].as_f64()).collect();
            if times.len() < loads.len() {
                notes.push(format!(
                    "{label}: not reached in {} of the {which} loads",
                    loads.len() - times.len()
                ));
            }
            let min = times.iter().copied().reduce(f64::min);
            let max = times.iter().copied().reduce(f64::max);
            for value in [crate::bench::median(&times), min, max] {
                match value {
                    Some(ms) => {
                        let _ = write!(line, "{ms:>TIME_WIDTH$.0}");
                    }
                    None => {
                        let _ = write!(line, "{:>TIME_WIDTH$}", "-");
                    }
                }
            }
            line.push_str("  ");
        }
        println!("{}", line.trim_end());
    }
    for note in notes {
        println!("{note}");
    }
    Ok(())
}

/// What the first cold load fetched over the network, and whether it was what was weighed.
fn print_transfer(report: &Value, assets: &[Asset]) {
    let Some(files) = report["transfer"]["files"].as_array() else {
        return;
    };
    let mut page_bytes = 0;
    let mut encodings: Vec<String> = Vec::new();
    let mut fetched: Vec<&str> = Vec::new();
    let mut twice: Vec<&str> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for file in files {
        let path = file["path"].as_str().unwrap_or("");
        let bytes = file["bytes"].as_u64().unwrap_or(0);
        if path.starts_with("/api/") || bytes == 0 {
            continue;
        }
        page_bytes += bytes;
        let encoding = file["encoding"].as_str().unwrap_or("identity").to_string();
        if !encodings.contains(&encoding) {
            encodings.push(encoding);
        }
        let name = path.trim_start_matches('/');
        if fetched.contains(&name) {
            twice.push(name);
        }
        fetched.push(name);
        if !name.is_empty() && !assets.iter().any(|a| a.name == name) {
            unknown.push(name);
        }
    }
    println!();
    println!(
        "over the wire on the first cold load: the page's files {} ({} bytes, content-encoding {})",
        kib(page_bytes as f64),
        digits(page_bytes),
        encodings.join(", ")
    );
    for name in twice {
        println!("note: {name} came over the network twice");
    }
    if !unknown.is_empty() {
        println!(
            "note: the server sent {} which web/dist/ no longer has (rebuilt while this ran?); the weights above are web/dist/'s",
            unknown.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_three() {
        assert_eq!(digits(0), "0");
        assert_eq!(digits(999), "999");
        assert_eq!(digits(1000), "1 000");
        assert_eq!(digits(1786101), "1 786 101");
    }

    #[test]
    fn kinds_follow_the_extension() {
        assert!(Kind::of("main-ABC.js") == Kind::Js);
        assert!(Kind::of("app-ABC.css") == Kind::Css);
        assert!(Kind::of("copperhead_wasm_bg-ABC.wasm") == Kind::Wasm);
        assert!(Kind::of("index.html") == Kind::Html);
        assert!(Kind::of("favicon.svg") == Kind::Other);
    }

    #[test]
    fn compressed_sizes_are_smaller_for_repetitive_input() {
        let text = "print('hello')\n".repeat(1000);
        let gzip = gzip_size(text.as_bytes()).unwrap();
        let brotli = brotli_size(text.as_bytes()).unwrap();
        assert!(gzip > 0 && gzip < 1000, "gzip {gzip}");
        assert!(brotli > 0 && brotli < 1000, "brotli {brotli}");
    }
}
