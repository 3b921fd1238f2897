//! `cargo xtask bench simulator`: the Simulator's speed against native `copperhead-board`,
//! measured in the same run: the same programs on the page's wasm board under Node
//! (`bench/simulator.mjs`, which runs each as the IDE's Run button does) and on the release
//! binary. Also part of a full `cargo xtask bench`, after the page.
//!
//! The programs are `bench/python/*.py` (timed whole: the process on the host, the run alone
//! in the simulator) and, when `MICROPY_PERF_BENCH` names the `tests/perf_bench` folder of a
//! MicroPython checkout, its benchmarks, each run through Copperhead's own harness
//! (`bench/perf_bench.py`) at the sizes `run-perfbench.py 1000 1000` would pick, and timed by
//! the harness itself on both. A figure is the median of the rounds; the ratio is native time
//! over simulator time, the simulator's speed as a share of native.
//!
//! Each perf_bench program runs twice in one go, and both runs are reported: the first is
//! what a user sees on a board that has just started (the engine runs the VM in its baseline
//! tier until it has compiled, in the background, the functions the program keeps calling);
//! the second is the simulator's speed once it has.

use crate::Result;
use crate::measure::measure;
use crate::tools::{self, cargo, root};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const ROUNDS: usize = 3;
const TIME_LIMIT: Duration = Duration::from_secs(300);
/// The folder of MicroPython's perf_bench programs, if the user has a checkout.
pub(crate) const PERF_BENCH_ENV: &str = "MICROPY_PERF_BENCH";

/// One program as both boards run it.
pub(crate) struct Program {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    /// Timed by the harness (perf_bench), not as a whole.
    harness: bool,
}

pub fn run(rounds: Option<usize>) -> Result {
    let rounds = rounds.unwrap_or(ROUNDS);
    tools::run(cargo().args(["build", "--release", "-p", "copperhead-firmware"]))?;
    crate::web::build_web()?;
    let programs = programs()?;
    let native = tools::target_dir().join("release/copperhead-board");
    println!(
        "\nthe Simulator (web/pkg's wasm under Node {}) against native copperhead-board, {rounds} round(s)",
        node_version()
    );
    println!(
        "{:<24} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
        "program", "native", "simulator", "speed", "again", "again", "speed"
    );
    let mut first_ratios = Vec::new();
    let mut again_ratios = Vec::new();
    for program in &programs {
        let mut native_runs = Vec::new();
        let mut sim_runs = Vec::new();
        let mut problem = None;
        for _ in 0..rounds {
            match (run_native(&native, program), run_simulator(program)) {
                (Ok((n, native_out)), Ok((s, sim_out))) => {
                    if strip_time(&native_out, program) != strip_time(&sim_out, program) {
                        problem = Some(format!(
                            "outputs differ: native {:?}, simulator {:?}",
                            tail(&native_out),
                            tail(&sim_out)
                        ));
                        break;
                    }
                    native_runs.push(n);
                    sim_runs.push(s);
                }
                (Err(e), _) | (_, Err(e)) => {
                    problem = Some(e);
                    break;
                }
            }
        }
        if let Some(problem) = problem.or_else(|| native_runs.is_empty().then(|| "no runs".into()))
        {
            println!("{:<24} {problem}", program.name);
            continue;
        }
        let first = |runs: &[Timing]| median(runs, |t| Some(t.first)).unwrap_or(f64::NAN);
        let again = |runs: &[Timing]| median(runs, |t| t.again);
        let (n, s) = (first(&native_runs), first(&sim_runs));
        first_ratios.push(n / s);
        let mut line = format!(
            "{:<24} {n:>10.1} {s:>10.1} {:>6.0}%",
            program.name,
            100.0 * n / s
        );
        if let (Some(n), Some(s)) = (again(&native_runs), again(&sim_runs)) {
            again_ratios.push(n / s);
            line += &format!(" {n:>10.1} {s:>10.1} {:>6.0}%", 100.0 * n / s);
        }
        println!("{line}");
    }
    if let Some(mean) = crate::bench::geometric_mean(&first_ratios) {
        println!(
            "geometric mean of the speed, first run: {:.0}% of native ({} programs)",
            100.0 * mean,
            first_ratios.len()
        );
    }
    if let Some(mean) = crate::bench::geometric_mean(&again_ratios) {
        println!(
            "geometric mean of the speed, run again: {:.0}% of native ({} programs)",
            100.0 * mean,
            again_ratios.len()
        );
    }
    if std::env::var_os(PERF_BENCH_ENV).is_none() {
        println!(
            "(MicroPython's perf_bench too: set {PERF_BENCH_ENV} to the tests/perf_bench folder of a MicroPython checkout)"
        );
    }
    Ok(())
}

/// One run's times in ms: the program's first run and, for a perf_bench program (which the
/// harness runs twice in one go), its second, once the engine has compiled the code it uses
/// with its optimising tier.
pub(crate) struct Timing {
    pub(crate) first: f64,
    pub(crate) again: Option<f64>,
}

pub(crate) fn median(runs: &[Timing], pick: impl Fn(&Timing) -> Option<f64>) -> Option<f64> {
    let picked: Vec<f64> = runs.iter().filter_map(pick).collect();
    crate::bench::median(&picked)
}

/// `bench/python/*.py`, then the perf_bench programs wrapped in the harness.
fn programs() -> Result<Vec<Program>> {
    let mut programs = Vec::new();
    for path in sorted_py(&root().join("bench/python"))? {
        programs.push(Program {
            name: stem(&path),
            path,
            harness: false,
        });
    }
    programs.extend(perf_bench("sim-bench", (1000, 1000))?);
    Ok(programs)
}

/// MicroPython's perf_bench programs (none unless `MICROPY_PERF_BENCH` names their folder),
/// each wrapped in the harness with the time and memory budgets `run-perfbench.py N M`
/// takes, and written to `target/<out>`.
pub(crate) fn perf_bench(out: &str, (n, m): (u32, u32)) -> Result<Vec<Program>> {
    let mut programs = Vec::new();
    let Some(dir) = std::env::var_os(PERF_BENCH_ENV) else {
        return Ok(programs);
    };
    let harness = std::fs::read_to_string(root().join("bench/perf_bench.py"))
        .map_err(|e| format!("bench/perf_bench.py: {e}"))?;
    let out = tools::target_dir().join(out);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for path in sorted_py(Path::new(&dir))? {
        let source =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        // Only the programs of the protocol: not its own harness, not the viper ones (they
        // need a native emitter), not those that import .mpy files.
        let name = stem(&path);
        if !source.contains("def bm_setup")
            || name.starts_with("viper")
            || name.starts_with("core_import_mpy")
        {
            continue;
        }
        let wrapped = out.join(path.file_name().unwrap_or_default());
        std::fs::write(
            &wrapped,
            format!("{harness}\n{source}\n_bench_main({n}, {m})\n_bench_main({n}, {m})\n"),
        )
        .map_err(|e| format!("{}: {e}", wrapped.display()))?;
        programs.push(Program {
            name: format!("perf_bench/{}", stem(&path)),
            path: wrapped,
            harness: true,
        });
    }
    Ok(programs)
}

fn sorted_py(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    found.sort();
    Ok(found)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Times and output of one native run.
fn run_native(binary: &Path, program: &Program) -> Result<(Timing, String)> {
    let mut command = Command::new(binary);
    command.arg(&program.path);
    let run = measure(&mut command, TIME_LIMIT)?;
    if !run.status.success() {
        return Err(format!("native run failed: {}", tail(&run.stderr)));
    }
    let timing = match program.harness {
        true => harness_ms(&run.stdout)?,
        false => Timing {
            first: run.wall.as_secs_f64() * 1000.0,
            again: None,
        },
    };
    Ok((timing, run.stdout))
}

/// Times and output of one run in the simulator.
fn run_simulator(program: &Program) -> Result<(Timing, String)> {
    let mut command = Command::new("node");
    command
        .arg(root().join("bench/simulator.mjs"))
        .arg(&program.path);
    let out = tools::output(&mut command)?;
    let report: serde_json::Value = serde_json::from_str(out.trim())
        .map_err(|e| format!("bench/simulator.mjs printed no JSON ({e}): {out}"))?;
    let output = report["output"].as_str().unwrap_or_default().to_string();
    if report["ok"] != serde_json::Value::Bool(true) {
        return Err(format!("simulator run failed: {}", tail(&output)));
    }
    let timing = match program.harness {
        true => harness_ms(&output)?,
        false => Timing {
            first: report["ms"].as_f64().ok_or("no time in the report")?,
            again: None,
        },
    };
    Ok((timing, output))
}

/// The harness's "MICROSECONDS NORM RESULT" lines (the first run, then the second), in ms.
pub(crate) fn harness_ms(stdout: &str) -> Result<Timing> {
    let mut times = stdout.lines().map(|line| {
        let us: f64 = line
            .split_whitespace()
            .next()
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| format!("no harness timing in {line:?}"))?;
        if us < 0.0 {
            return Err(line.to_string());
        }
        Ok(us / 1000.0)
    });
    let first = times.next().ok_or("the harness printed nothing")??;
    let again = times.next().transpose()?;
    Ok(Timing { first, again })
}

/// The output without the harness's time (the rest must match).
pub(crate) fn strip_time(output: &str, program: &Program) -> String {
    if !program.harness {
        return output.to_string();
    }
    output
        .lines()
        .map(|line| line.split_once(' ').map_or(line, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn tail(text: &str) -> String {
    text.trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

fn node_version() -> String {
    tools::output(Command::new("node").arg("--version"))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}
