//! `copperhead-board`: the Copperhead firmware built for the host.
//!
//! Like MicroPython's unix port it runs a script file, `-c CODE`, or a script piped on stdin,
//! and gives a REPL on a terminal. With `--pty` it is a virtual board: it opens a
//! pseudo-terminal, prints its path on the first line of stdout, and serves the board REPL
//! (friendly, raw, raw-paste) there, as a USB board does on its serial port.

use copperhead_firmware::host::{self, BoardOptions, link, pty, webrepl};
use copperhead_vm::{Config, Mode, Vm};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

const USAGE: &str = "\
usage: copperhead-board [options] [-c CODE | FILE | -]
  -c CODE           run CODE
  FILE              run a script file
  -                 run a script read from stdin (also when stdin is not a terminal)
  --pty             virtual board: serve the board REPL on a new pseudo-terminal and print its path
  --tcp ADDR        virtual board: serve the board REPL on a TCP port (one client at a time;
                    mpremote connects with socket://ADDR); prints the address it listens on
  --webrepl ADDR    virtual board: serve the board REPL as a WebREPL on a TCP port (ws://ADDR;
                    password from --webrepl-password, else PASS in the board's webrepl_cfg.py)
  --webrepl-password PW   the WebREPL password
  --fs DIR          the virtual board's filesystem (default: ~/.local/share/copperhead/board)
  --baud N          limit the virtual board's link to a serial line's speed (N/10 bytes/s each way)
  --no-raw-paste    answer as a board built without raw-paste mode (tests tools' fallback)
  --crash-on TEXT   panic, as a bug in the VM would, when code to run contains TEXT (tests
                    that the board reports it and soft-resets instead of dying)
  --without-module NAME   leave the built-in module NAME out, as a smaller build does
                    (tests tools' fallbacks: --without-module binascii)
  -X heapsize=N     GC heap size in bytes (suffix K or M allowed)
  -X emit=MODE      accepted for MicroPython compatibility; code always runs as bytecode
  -X gcstress       collect before every allocation (finds GC rooting bugs; slow)
  -h, --help        this help";

enum Job {
    /// Source, file name for tracebacks, `sys.argv`.
    Code(String, String, Vec<String>),
    Repl,
    Pty,
    Tcp(String),
    WebRepl(String),
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("copperhead-board: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut config = Config::default();
    let mut job = None;
    let mut fs_dir = None;
    let mut baud = None;
    let mut raw_paste = true;
    let mut webrepl_password = None;
    let mut crash_on = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            "-X" => {
                let opt = args.next().ok_or("-X needs an option")?;
                apply_x_option(&opt, &mut config)?;
            }
            "-c" => {
                let code = args.next().ok_or("-c needs code")?;
                let argv = std::iter::once("-c".to_string()).chain(args).collect();
                job = Some(Job::Code(code, "<stdin>".into(), argv));
                break;
            }
            "--pty" => job = Some(Job::Pty),
            "--tcp" => job = Some(Job::Tcp(args.next().ok_or("--tcp needs an address")?)),
            "--webrepl" => {
                job = Some(Job::WebRepl(
                    args.next().ok_or("--webrepl needs an address")?,
                ))
            }
            "--without-module" => config
                .without
                .push(args.next().ok_or("--without-module needs a module name")?),
            "--webrepl-password" => {
                webrepl_password = Some(args.next().ok_or("--webrepl-password needs a password")?)
            }
            "--no-raw-paste" => raw_paste = false,
            "--crash-on" => crash_on = Some(args.next().ok_or("--crash-on needs a text")?),
            "--baud" => {
                let n = args.next().ok_or("--baud needs a rate")?;
                let rate = n.parse::<u32>().ok().filter(|r| *r > 0);
                baud = Some(rate.ok_or_else(|| format!("bad baud rate '{n}'"))?);
            }
            "--fs" => {
                fs_dir = Some(std::path::PathBuf::from(
                    args.next().ok_or("--fs needs a directory")?,
                ))
            }
            "-" => {
                job = Some(Job::Code(read_stdin()?, "<stdin>".into(), Vec::new()));
                break;
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}\n{USAGE}")),
            path => {
                let source = std::fs::read_to_string(path)
                    .map_err(|e| format!("can't open file '{path}': {e}"))?;
                let argv = std::iter::once(path.to_string()).chain(args).collect();
                job = Some(Job::Code(source, path.to_string(), argv));
                break;
            }
        }
    }
    let job = match job {
        Some(job) => job,
        None if std::io::stdin().is_terminal() => Job::Repl,
        None => Job::Code(read_stdin()?, "<stdin>".into(), Vec::new()),
    };
    match job {
        Job::Code(source, file, argv) => Ok(run_code(&source, &file, argv, config)),
        Job::Repl => terminal_repl(config),
        Job::Pty | Job::Tcp(_) | Job::WebRepl(_) => {
            let fs_dir = fs_dir.unwrap_or_else(host::fs::default_board_dir);
            let mut options = BoardOptions::virtual_board(config, Some(fs_dir.clone()));
            options.crash_on = crash_on;
            if !raw_paste {
                options.raw_paste_window = 0;
            }
            virtual_board(&job, options, fs_dir, baud, webrepl_password)
        }
    }
}

fn apply_x_option(opt: &str, config: &mut Config) -> Result<(), String> {
    if let Some(size) = opt.strip_prefix("heapsize=") {
        config.heap_size = parse_size(size).ok_or_else(|| format!("bad heapsize '{size}'"))?;
    } else if opt == "gcstress" {
        // Collect before every allocation (a testing aid for the VM's GC rooting).
        config.gc_stress = true;
    } else if opt.starts_with("emit=") {
        // Native and viper emitters are not separate here: everything runs as bytecode.
    } else {
        return Err(format!("unknown -X option '{opt}'"));
    }
    Ok(())
}

/// `N`, `NK`, `NM`, with MicroPython's optional `w` (words) before the suffix.
fn parse_size(text: &str) -> Option<usize> {
    let (digits, mult) = match text.as_bytes().last()? {
        b'K' | b'k' => (&text[..text.len() - 1], 1024),
        b'M' | b'm' => (&text[..text.len() - 1], 1024 * 1024),
        _ => (text, 1),
    };
    let (digits, word) = match digits.strip_suffix('w') {
        Some(d) => (d, std::mem::size_of::<usize>()),
        None => (digits, 1),
    };
    digits.parse::<usize>().ok()?.checked_mul(mult * word)
}

fn read_stdin() -> Result<String, String> {
    let mut source = String::new();
    std::io::stdin()
        .read_to_string(&mut source)
        .map_err(|e| format!("can't read stdin: {e}"))?;
    Ok(source)
}

/// Run a program as the unix port does: output to stdout, traceback to stderr, exit 1.
fn run_code(source: &str, file: &str, argv: Vec<String>, config: Config) -> ExitCode {
    let stdout = Arc::new(Mutex::new(std::io::stdout()));
    // The script's directory, resolved to an absolute path as the unix port does (so the
    // `__file__` of modules imported from it is absolute too).
    let dir = match std::path::Path::new(file).parent() {
        Some(d) if file != "<stdin>" => {
            let d = if d.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                d
            };
            std::fs::canonicalize(d)
                .unwrap_or_else(|_| d.to_path_buf())
                .to_string_lossy()
                .into_owned()
        }
        _ => String::new(),
    };
    let platform = host::HostPlatform::new(stdout, Arc::new(AtomicBool::new(false)))
        .with_script_dir(&dir)
        .with_argv(argv);
    let mut vm = Vm::new(platform, config);
    let result = vm.exec(source, file, Mode::File);
    if let Err(e) = vm.run_atexit() {
        let _ = std::io::stdout().flush();
        eprint!("{}", e.traceback);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_system_exit() => {
            // `raise SystemExit(n)` / `sys.exit(n)`: leave quietly with that status.
            let _ = std::io::stdout().flush();
            match e.message.parse::<i64>() {
                Ok(code) => ExitCode::from(code as u8),
                Err(_) if e.message.is_empty() => ExitCode::SUCCESS,
                Err(_) => {
                    eprintln!("{}", e.message);
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            let _ = std::io::stdout().flush();
            eprint!("{}", e.traceback);
            ExitCode::from(1)
        }
    }
}

/// The friendly REPL on the user's terminal.
fn terminal_repl(config: Config) -> Result<ExitCode, String> {
    use std::os::fd::AsRawFd;
    let fd = std::io::stdin().as_raw_fd();
    let saved = pty::make_raw(fd).map_err(|e| format!("can't set up the terminal: {e}"))?;
    let mut options = BoardOptions::virtual_board(config, None);
    options.exit_on_reset = true;
    options.report_fd = Some(std::io::stdout().as_raw_fd());
    let mut banner = Vec::new();
    let repl = copperhead_firmware::repl::Repl::new(options.info.clone());
    repl.banner(&mut banner);
    banner.extend_from_slice(copperhead_firmware::repl::PS1);
    let _ = std::io::stdout().write_all(&banner);
    let _ = std::io::stdout().flush();
    // A crash (a bug) restarts the REPL in a new child; the terminal stays set up.
    let result = host::fatal::supervise(|resume| {
        let mut options = options.clone();
        options.resume = resume;
        host::serve(std::io::stdin(), std::io::stdout(), options)
    });
    pty::restore(fd, &saved);
    println!();
    result.map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// A virtual board on a pseudo-terminal or a TCP port, optionally at a serial line's speed.
fn virtual_board(
    job: &Job,
    mut options: BoardOptions,
    fs_dir: std::path::PathBuf,
    baud: Option<u32>,
    webrepl_password: Option<String>,
) -> Result<ExitCode, String> {
    stop_with_parent();
    let serve_with =
        |input: Box<dyn Read + Send>, output: Box<dyn Write + Send>, options: BoardOptions| {
            let (input, output): (Box<dyn Read + Send>, Box<dyn Write + Send>) = match baud {
                Some(b) => (
                    Box::new(link::PacedReader::new(input, b)),
                    Box::new(link::PacedWriter::new(output, b)),
                ),
                None => (input, output),
            };
            host::serve(input, output, options).map_err(|e| e.to_string())
        };
    match job {
        Job::Tcp(addr) => {
            let tcp =
                link::TcpLink::bind(addr).map_err(|e| format!("can't listen on {addr}: {e}"))?;
            println!("{}", tcp.local_addr().map_err(|e| e.to_string())?);
            let _ = std::io::stdout().flush();
            serve_with(Box::new(tcp.clone()), Box::new(tcp), options)?;
        }
        Job::WebRepl(addr) => {
            let password = webrepl_password
                .or_else(|| password_from_config(&fs_dir))
                .ok_or("a WebREPL needs a password: --webrepl-password PW, or PASS = '...' in webrepl_cfg.py")?;
            let link = webrepl::WebReplLink::bind(addr, &password)
                .map_err(|e| format!("can't listen on {addr}: {e}"))?;
            println!("ws://{}", link.local_addr().map_err(|e| e.to_string())?);
            let _ = std::io::stdout().flush();
            serve_with(Box::new(link.clone()), Box::new(link), options)?;
        }
        _ => {
            let pty = pty::Pty::open().map_err(|e| format!("can't open a pseudo-terminal: {e}"))?;
            println!("{}", pty.path);
            let _ = std::io::stdout().flush();
            // This process holds the line; the board runs in a child, started again after a
            // crash (a bug), so the client sees a soft reset, not a hang-up.
            {
                use std::os::fd::AsRawFd;
                options.report_fd = Some(pty.master.as_raw_fd());
            }
            host::fatal::supervise(|resume| {
                let input = pty.master.try_clone()?;
                let output = pty.master.try_clone()?;
                let mut options = options.clone();
                options.resume = resume;
                serve_with(Box::new(input), Box::new(output), options)
                    .map_err(std::io::Error::other)
            })
            .map_err(|e| e.to_string())?;
            drop(pty);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `PASS` from the board's `webrepl_cfg.py` (`PASS = 'secret'`), as MicroPython's
/// `webrepl` module reads it.
fn password_from_config(fs_dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(fs_dir.join("webrepl_cfg.py")).ok()?;
    text.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        if name.trim() != "PASS" {
            return None;
        }
        let value = value.trim();
        let quote = value.chars().next().filter(|q| *q == '\'' || *q == '"')?;
        Some(value[1..].split(quote).next()?.to_string())
    })
}

/// A virtual board doesn't outlive the program that started it (a test runner, the
/// server): on Linux it is told to stop when its parent goes.
fn stop_with_parent() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with an integer signal argument changes only this process's settings.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
    }
}
