//! `cargo xtask bench [--rounds N] [FILTER]`: the Python programs in `bench/python/` on
//! `copperhead-board` (release) and, when they are there, on MicroPython and CPython, measured
//! in the same run so that the ratios compare like with like.
//!
//! Each round runs every interpreter once per program, starting with a different one each
//! round. A run is a whole process: wall time includes start-up, memory is the peak RSS. Every
//! interpreter must print what CPython prints (else MicroPython's); a failure or a different
//! result is shown in the table. The command fails only when copperhead-board does.
//!
//! Then, without a FILTER, the upload (`bench upload`, `upload.rs`), the page's weight and
//! load time (`bench page`, `page_bench.rs`) and the Simulator's speed against native
//! (`bench simulator`, `sim_bench.rs`), each of which is also a FILTER of its own.

use crate::Result;
use crate::measure::{Measured, measure};
use crate::tools::{self, cargo, root};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const DEFAULT_ROUNDS: usize = 3;

/// How long one run may take before it is killed (the programs take about a second).
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The environment variable naming a MicroPython binary (as MicroPython's own test runner).
const MICROPYTHON_ENV: &str = "MICROPY_MICROPYTHON";

pub struct BenchOptions {
    /// `--rounds`, when given; each part has its own default.
    pub rounds: Option<usize>,
    /// Only the programs whose file name contains this.
    pub filter: Option<String>,
}

impl BenchOptions {
    pub fn parse(args: &[String]) -> Result<BenchOptions> {
        let mut options = BenchOptions {
            rounds: None,
            filter: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if let Some(value) = arg.strip_prefix("--rounds=") {
                options.rounds = Some(parse_rounds(value)?);
            } else if arg == "--rounds" {
                let value = args.next().ok_or("--rounds needs a number")?;
                options.rounds = Some(parse_rounds(value)?);
            } else if arg.starts_with('-') || options.filter.is_some() {
                return Err(format!(
                    "bench: unexpected `{arg}` (expected --rounds N and at most one FILTER)"
                ));
            } else {
                options.filter = Some(arg.clone());
            }
        }
        Ok(options)
    }
}

fn parse_rounds(text: &str) -> Result<usize> {
    match text.parse() {
        Ok(rounds) if rounds > 0 => Ok(rounds),
        _ => Err(format!("--rounds needs a positive number, not `{text}`")),
    }
}

/// An interpreter that runs `program FILE`.
struct Interpreter {
    name: &'static str,
    program: PathBuf,
}

/// One interpreter's runs of one program.
#[derive(Default)]
struct Cell {
    times_ms: Vec<f64>,
    max_rss_kib: u64,
    /// The stdout of the first successful run.
    output: Option<String>,
    /// Why the program failed on this interpreter, if it did.
    error: Option<String>,
    /// The error is a result different from the reference interpreter's.
    wrong: bool,
}

pub fn run(options: &BenchOptions) -> Result {
    // `bench upload` and `bench page`: only that measurement; without a filter they follow the
    // table.
    let page_rounds = options.rounds.unwrap_or(crate::page_bench::DEFAULT_ROUNDS);
    match options.filter.as_deref() {
        Some("upload") => return crate::upload::run(),
        Some("page") => return crate::page_bench::run(page_rounds),
        Some("simulator") => return crate::sim_bench::run(options.rounds),
        Some("qemu") => return crate::qemu_bench::run(options.rounds),
        _ => {}
    }
    let rounds = options.rounds.unwrap_or(DEFAULT_ROUNDS);
    let programs = programs(options.filter.as_deref())?;
    let (interpreters, missing) = interpreters()?;
    tools::run(cargo().args(["build", "--release", "-p", "copperhead-firmware"]))?;
    for interpreter in &interpreters {
        println!(
            "{:>11}: {}",
            interpreter.name,
            interpreter.program.display()
        );
    }
    for line in &missing {
        println!("{line}");
    }
    let mut table = Table::new(&programs, &interpreters);
    table.print_header(rounds);
    let mut copperhead_failed = Vec::new();
    for program in &programs {
        let cells = bench_program(program, &interpreters, rounds);
        if cells[0].error.is_some() {
            copperhead_failed.push(stem(program));
        }
        table.print_row(program, &cells);
    }
    table.print_footer();
    if copperhead_failed.is_empty() {
        if options.filter.is_none() {
            println!();
            crate::upload::run()?;
            println!();
            crate::page_bench::run(page_rounds)?;
            crate::sim_bench::run(options.rounds)?;
            crate::qemu_bench::run(options.rounds)?;
        }
        Ok(())
    } else {
        Err(format!(
            "copperhead-board failed: {}",
            copperhead_failed.join(", ")
        ))
    }
}

/// `bench/python/*.py` whose name contains `filter`, sorted.
fn programs(filter: Option<&str>) -> Result<Vec<PathBuf>> {
    let dir = root().join("bench/python");
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .filter(|path| filter.is_none_or(|filter| stem(path).contains(filter)))
        .collect();
    programs.sort();
    if programs.is_empty() {
        let filter = filter
            .map(|f| format!(" matching `{f}`"))
            .unwrap_or_default();
        return Err(format!("no programs{filter} in {}", dir.display()));
    }
    Ok(programs)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// copperhead-board first, then MicroPython and CPython when they are found; and a line for
/// each one that is not.
fn interpreters() -> Result<(Vec<Interpreter>, Vec<String>)> {
    let mut found = vec![Interpreter {
        name: "copperhead",
        program: tools::target_dir().join("release/copperhead-board"),
    }];
    let mut missing = Vec::new();
    match micropython()? {
        Some(program) => found.push(Interpreter {
            name: "micropython",
            program,
        }),
        None => missing.push(format!(
            "micropython: not found (put it on PATH or set {MICROPYTHON_ENV})"
        )),
    }
    match find_on_path("python3") {
        Some(program) => found.push(Interpreter {
            name: "python3",
            program: real_python(program),
        }),
        None => missing.push("python3: not found on PATH".to_string()),
    }
    Ok((found, missing))
}

/// `$MICROPY_MICROPYTHON` if set (it must exist), else `micropython` on PATH.
fn micropython() -> Result<Option<PathBuf>> {
    match std::env::var_os(MICROPYTHON_ENV) {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            if is_executable(&path) {
                Ok(Some(path))
            } else {
                Err(format!(
                    "{MICROPYTHON_ENV}={} is not an executable file",
                    path.display()
                ))
            }
        }
        _ => Ok(find_on_path("micropython")),
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The interpreter binary behind `python3`, so that a wrapper script (a pyenv shim, say) is
/// not timed along with it.
fn real_python(python3: PathBuf) -> PathBuf {
    let asked = Command::new(&python3)
        .args(["-c", "import sys; print(sys.executable)"])
        .output();
    match asked {
        Ok(out) if out.status.success() => {
            let real = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if is_executable(&real) { real } else { python3 }
        }
        _ => python3,
    }
}

/// Runs `program` on every interpreter `rounds` times and checks the results.
fn bench_program(program: &Path, interpreters: &[Interpreter], rounds: usize) -> Vec<Cell> {
    let mut cells: Vec<Cell> = interpreters.iter().map(|_| Cell::default()).collect();
    for round in 0..rounds {
        for offset in 0..interpreters.len() {
            // Alternate which interpreter goes first, so that none always runs on a cold cache.
            let index = (round + offset) % interpreters.len();
            let mut command = Command::new(&interpreters[index].program);
            command
                .arg(program)
                .current_dir(program.parent().unwrap_or(&root()));
            match measure(&mut command, TIME_LIMIT) {
                Ok(run) => record(&mut cells[index], run),
                Err(error) => {
                    cells[index].error.get_or_insert(error);
                }
            }
        }
    }
    check_results(&mut cells, interpreters);
    cells
}

fn record(cell: &mut Cell, run: Measured) {
    cell.max_rss_kib = cell.max_rss_kib.max(run.max_rss_kib);
    if !run.status.success() {
        // The last line of the traceback (MicroPython prints it to stdout).
        let text = if run.stderr.trim().is_empty() {
            &run.stdout
        } else {
            &run.stderr
        };
        let last = text.lines().rev().find(|l| !l.trim().is_empty());
        let detail = last.map(|l| format!(": {}", l.trim())).unwrap_or_default();
        cell.error.get_or_insert(format!("{}{detail}", run.status));
        return;
    }
    cell.times_ms.push(run.wall.as_secs_f64() * 1000.0);
    let output = run.stdout.trim_end().to_string();
    match &cell.output {
        None => cell.output = Some(output),
        Some(first) if *first != output => {
            cell.error.get_or_insert(format!(
                "printed `{first}`, then `{output}` in a later round"
            ));
        }
        Some(_) => {}
    }
}

/// Marks every interpreter whose output differs from the reference: CPython's if it ran, else
/// MicroPython's.
fn check_results(cells: &mut [Cell], interpreters: &[Interpreter]) {
    let reference = ["python3", "micropython"].iter().find_map(|name| {
        let index = interpreters.iter().position(|i| i.name == *name)?;
        let cell = &cells[index];
        if cell.error.is_some() {
            return None;
        }
        Some((*name, cell.output.clone()?))
    });
    let Some((reference_name, expected)) = reference else {
        return;
    };
    for cell in cells.iter_mut().filter(|cell| cell.error.is_none()) {
        let Some(output) = &cell.output else { continue };
        if *output != expected {
            cell.error = Some(format!(
                "printed `{output}`, {reference_name} printed `{expected}`"
            ));
            cell.wrong = true;
        }
    }
}

pub(crate) fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

pub(crate) fn geometric_mean(ratios: &[f64]) -> Option<f64> {
    if ratios.is_empty() {
        return None;
    }
    let log_sum: f64 = ratios.iter().map(|r| r.ln()).sum();
    Some((log_sum / ratios.len() as f64).exp())
}

/// The results table, printed a row at a time as the programs finish.
struct Table {
    /// Where each of `COLUMNS` is in the interpreter list, `None` if it was not found.
    columns: [Option<usize>; 3],
    /// The interpreter names in list order.
    names: Vec<&'static str>,
    name_width: usize,
    /// The ratios to MicroPython and to CPython so far, for the geometric means.
    ratios: [Vec<f64>; 2],
    /// Failures and wrong results, printed under the table.
    notes: Vec<String>,
}

const COLUMNS: [&str; 3] = ["copperhead", "micropython", "python3"];
const WIDTH: usize = 12;

impl Table {
    fn new(programs: &[PathBuf], interpreters: &[Interpreter]) -> Table {
        let columns = COLUMNS.map(|name| interpreters.iter().position(|i| i.name == name));
        let name_width = programs.iter().map(|p| stem(p).len()).max().unwrap_or(0);
        Table {
            columns,
            name_width: name_width.max("geometric mean".len()),
            ratios: Default::default(),
            notes: Default::default(),
            names: interpreters.iter().map(|i| i.name).collect(),
        }
    }

    fn print_header(&self, rounds: usize) {
        println!(
            "\n{rounds} round(s); times are medians of whole runs, start-up included; RSS is the peak\n"
        );
        let w = self.name_width;
        let group = |title: &str, count: usize| format!("{title:^width$}", width = count * WIDTH);
        let groups = format!(
            "{:w$}  {}  {}  {}",
            "",
            group("median time (ms)", 3),
            group("copperhead / other", 2),
            group("peak RSS (KiB)", 3)
        );
        println!("{}", groups.trim_end());
        let mut line = format!("{:w$}  ", "benchmark");
        for name in COLUMNS.iter().chain(&COLUMNS[1..]).chain(&COLUMNS) {
            let _ = write!(line, "{name:>WIDTH$}");
            if *name == "python3" {
                line.push_str("  ");
            }
        }
        println!("{}", line.trim_end());
    }

    fn print_row(&mut self, program: &Path, cells: &[Cell]) {
        let name = stem(program);
        let columns = self.columns;
        let cell = |column: usize| columns[column].map(|index| &cells[index]);
        let time = |column: usize| {
            cell(column)
                .filter(|c| c.error.is_none())
                .and_then(|c| median(&c.times_ms))
        };
        let mut line = format!("{name:w$}  ", w = self.name_width);
        for column in 0..3 {
            line.push_str(&match (cell(column), time(column)) {
                (None, _) => format!("{:>WIDTH$}", "-"),
                (Some(_), Some(ms)) => format!("{ms:>WIDTH$.0}"),
                (Some(c), None) if c.wrong => format!("{:>WIDTH$}", "WRONG"),
                (Some(_), None) => format!("{:>WIDTH$}", "FAIL"),
            });
        }
        line.push_str("  ");
        for (slot, column) in [1, 2].into_iter().enumerate() {
            let ratio = time(0)
                .zip(time(column))
                .map(|(ours, theirs)| ours / theirs);
            if let Some(ratio) = ratio {
                self.ratios[slot].push(ratio);
            }
            line.push_str(&ratio_cell(ratio));
        }
        line.push_str("  ");
        for column in 0..3 {
            let rss = cell(column).map(|c| c.max_rss_kib.to_string());
            let _ = write!(line, "{:>WIDTH$}", rss.as_deref().unwrap_or("-"));
        }
        println!("{}", line.trim_end());
        for (index, cell) in cells.iter().enumerate() {
            if let Some(error) = &cell.error {
                let interpreter = self.names[index];
                self.notes.push(format!("{name} on {interpreter}: {error}"));
            }
        }
    }

    fn print_footer(&self) {
        let mut line = format!(
            "{:w$}  {:>width$}  ",
            "geometric mean",
            "",
            w = self.name_width,
            width = 3 * WIDTH
        );
        for ratios in &self.ratios {
            line.push_str(&ratio_cell(geometric_mean(ratios)));
        }
        println!("{}", line.trim_end());
        if !self.notes.is_empty() {
            println!();
        }
        for note in &self.notes {
            println!("{note}");
        }
    }
}

fn ratio_cell(ratio: Option<f64>) -> String {
    match ratio {
        Some(ratio) => format!("{ratio:>WIDTH$.2}"),
        None => format!("{:>WIDTH$}", "-"),
    }
}
