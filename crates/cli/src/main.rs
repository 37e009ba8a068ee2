//! `offset-express`: the simulator from the command line.
//!
//! - `offset-express run FILE [--seed N] [--format text|json] [--trace]` runs a scenario
//!   file and prints each line's output, then the final state (text or JSON); `--trace`
//!   prints the simulator events as JSON lines instead of the outputs.
//! - `offset-express check FILE` parses a file without running it.
//! - `offset-express export [--python | --shell] [--seed N] FILE` prints the scenario as code
//!   for a real cluster on `localhost:9092`: one kafka-python program (the default), or a
//!   bash script of Kafka's command-line tools with the client lines as comments.
//! - `offset-express repl [--seed N]` is an interactive console with line editing and
//!   history.
//!
//! Exit codes scripts can trust: 0 everything ran; 1 a line failed (reported as
//! `FILE:LINE:COLUMN: message` on standard error, with the line and carets); 2 a usage
//! error (bad arguments, unreadable file).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use script::exec::{state, Console, ExecError};

#[derive(Parser)]
#[command(
    name = "offset-express",
    version,
    about = "An Apache Kafka simulator that teaches offsets"
)]
struct Cli {
    #[command(subcommand)]
    command: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Run a scenario file and print its outputs and the final state.
    Run {
        file: PathBuf,
        /// The seed of the world's random source (a `seed` line in the file wins).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// How to print the final state.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Print the simulator events, one JSON object per line, instead of the outputs.
        #[arg(long)]
        trace: bool,
    },
    /// Parse a scenario file without running it.
    Check { file: PathBuf },
    /// Print a scenario file as code for a real cluster on localhost:9092: a kafka-python
    /// program (the default) or, with --shell, a bash script of Kafka's tools.
    Export {
        file: PathBuf,
        /// A kafka-python program, one client object per simulated client (the default).
        #[arg(long, conflicts_with = "shell")]
        python: bool,
        /// A bash script of the Kafka command-line tools; client lines become comments.
        #[arg(long)]
        shell: bool,
        /// The seed the session is replayed with for the program's comments (a `seed` line
        /// in the file wins).
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// An interactive console (line editing, history).
    Repl {
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Action::Run {
            file,
            seed,
            format,
            trace,
        } => run(&file, seed, format, trace),
        Action::Check { file } => check(&file),
        Action::Export {
            file, shell, seed, ..
        } => export(&file, shell, seed),
        Action::Repl { seed } => repl(seed),
    }
}

fn read(file: &Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(file).map_err(|e| {
        eprintln!("offset-express: cannot read {}: {e}", file.display());
        ExitCode::from(2)
    })
}

/// `FILE:LINE:COLUMN: message`, then the line with carets under the span.
fn report(file: &Path, source: &str, error: &ExecError) {
    let rendered = error.render(source);
    let detail = rendered.split_once('\n').map_or("", |(_, rest)| rest);
    // The message with its suggestion, without the `line L, column C: ` prefix.
    let full = error.to_string();
    let message = full.split_once(": ").map_or(full.as_str(), |(_, m)| m);
    eprintln!(
        "{}:{}:{}: {message}",
        file.display(),
        error.span.line,
        error.span.column,
    );
    if !detail.is_empty() {
        eprintln!("{detail}");
    }
}

fn run(file: &Path, seed: u64, format: Format, trace: bool) -> ExitCode {
    let source = match read(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut console = Console::new(seed);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = console.run_script(&source);
    let (lines, error) = match result {
        Ok(lines) => (lines, None),
        Err(e) => (e.completed, Some(e.error)),
    };
    for line in &lines {
        if trace {
            for event in &line.output.events {
                let _ = writeln!(out, "{}", serde_json::to_string(event).unwrap_or_default());
            }
        } else {
            let _ = write!(out, "{}", line.output.text);
        }
    }
    if let Some(error) = error {
        let _ = out.flush();
        report(file, &source, &error);
        return ExitCode::from(1);
    }
    if !trace {
        match format {
            Format::Json => {
                let _ = writeln!(out, "{}", state::state_json(&console));
            }
            Format::Text => {
                let _ = console.run_line("state").map(|o| write!(out, "{}", o.text));
            }
        }
    }
    ExitCode::SUCCESS
}

fn check(file: &Path) -> ExitCode {
    let source = match read(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match script::parse_script(&source) {
        Ok(commands) => {
            println!(
                "{}: {} commands, all well-formed",
                file.display(),
                commands.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(file, &source, &e.into());
            ExitCode::from(1)
        }
    }
}

fn export(file: &Path, shell: bool, seed: u64) -> ExitCode {
    let source = match read(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match script::parse_script(&source) {
        Ok(commands) => {
            let commands: Vec<script::Command> = commands.into_iter().map(|(_, c)| c).collect();
            let code = if shell {
                script::export::shell_script(&commands)
            } else {
                script::export::python_program(seed, &commands)
            };
            print!("{code}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(file, &source, &e.into());
            ExitCode::from(1)
        }
    }
}

fn repl(seed: u64) -> ExitCode {
    let mut editor = match rustyline::DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("offset-express: no terminal for the console: {e}");
            return ExitCode::from(2);
        }
    };
    let history =
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".offset-express-history"));
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    println!(
        "Offset Express {} — type help, or exit to leave.",
        env!("CARGO_PKG_VERSION")
    );
    let mut console = Console::new(seed);
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { "> " } else { ". " };
        match editor.readline(prompt) {
            Ok(line) => {
                if pending.is_empty() && matches!(line.trim(), "exit" | "quit") {
                    break;
                }
                // A trailing backslash continues the command on the next line.
                if line.trim_end().ends_with('\\') {
                    pending.push_str(&line);
                    pending.push('\n');
                    continue;
                }
                pending.push_str(&line);
                let input = std::mem::take(&mut pending);
                let _ = editor.add_history_entry(input.as_str());
                match console.run_line(&input) {
                    Ok(output) => print!("{}", output.text),
                    Err(e) => eprintln!("{}", e.render(&input)),
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => pending.clear(),
            Err(_) => break,
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    ExitCode::SUCCESS
}
