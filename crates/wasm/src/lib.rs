//! The headless JavaScript API: a [`Simulator`] that tests, autograders and pages drive
//! without the UI, with the same console language as the web console and the CLI.
//!
//! ```js
//! import { Simulator } from "offset-express-wasm";
//! const sim = new Simulator(42);
//! sim.run("kafka-topics --create --topic orders --partitions 3");
//! const { text, events } = sim.run("kafka-get-offsets --topic orders");
//! const state = sim.state();            // schema "offset-express/state", version 1
//! const bytes = sim.snapshot();         // Uint8Array
//! const copy = Simulator.restore(bytes);
//! ```
//!
//! Errors are thrown as JS `Error`s whose `message` is `line L, column C: …` and which carry
//! `line`, `column`, `kind` (`parse`, `kafka`, `tool`, `unknown_client`, `client_exists`,
//! `not_yet_available`, `seed_too_late`) and, for refusals of the simulator, `code` (Kafka's
//! error code name, e.g. `NOT_ENOUGH_REPLICAS`).

use script::exec::{state, Console, ExecError, ExecErrorKind, LineOutput, Output};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** What one console line printed and caused. */
export interface RunOutput {
  /** The text the real tool prints (each line ends in a newline). */
  text: string;
  /** The simulator events, each an object with a `type` field. */
  events: SimEvent[];
}
/** One line of a scenario file. */
export interface LineResult extends RunOutput {
  line: number;
  column: number;
  /** The command in canonical form. */
  command: string;
}
export interface SimEvent { type: string; [field: string]: unknown }
/** The world, schema "offset-express/state" version 1 (docs/state-schema.md). */
export interface State {
  schema: "offset-express/state";
  version: number;
  seed: number;
  now_ms: number;
  brokers: { id: number; alive: boolean; fetching: boolean }[];
  topics: {
    name: string; topic_id: string; partition_count: number; replication_factor: number;
    configs: Record<string, string>;
    partitions: {
      partition: number; leader: number | null; leader_epoch: number; replicas: number[]; isr: number[];
      log_start_offset: number; high_watermark: number; log_end_offset: number;
      records: { offset: number; timestamp_ms: number; key: string | null; value: string | null;
                 headers: { key: string; value: string | null }[] }[];
    }[];
  }[];
  groups: {
    group: string; state: string; coordinator: number | null; coordinator_partition: number;
    members: string[];
    offsets: { topic: string; partition: number; offset: number; metadata: string;
               commit_timestamp_ms: number; log_end_offset: number | null; lag: number | null }[];
    delivery?: { processed_records: number; deliveries: number; duplicate_records: number;
                 skipped_records: number };
    duplicates?: { topic: string; partition: number; offset: number; times: number }[];
  }[];
  consumer_offsets: { partitions: number; records: { partition: number; offset: number;
    timestamp_ms: number; key: string | null; value: string | null }[] };
  producers: { name: string; acks: string; linger_ms: number; batch_size: number;
    enable_idempotence: boolean; closed: boolean; queued_records: number; in_flight_records: number;
    acknowledged_records: number; failed_records: number;
    app?: { topic: string; rate: number; keys: number; sent: number; next_at_ms: number } }[];
  consumers: { name: string; state: "running" | "crashed" | "closed"; group: string | null;
    group_instance_id: string | null; member_id: string; generation: number;
    partitions: { topic: string; partition: number; position: number | null; committed: number | null;
                  high_watermark: number; lag: number | null; paused: boolean }[];
    unprocessed: { topic: string; partition: number; offset: number }[];
    app?: { commit: string; process_ms: number; poll_timeout_ms: number;
            step: "poll" | "process" | "processing" | "commit"; next_at_ms: number } }[];
}
"#;

/// One simulated cluster and its clients.
#[wasm_bindgen]
pub struct Simulator {
    console: Console,
}

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail; ignore the impossible.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// An `ExecError` as a JS `Error` with `line`, `column`, `kind` and `code`.
fn js_error(error: &ExecError) -> JsValue {
    let js: JsValue = js_sys::Error::new(&error.to_string()).into();
    set(&js, "line", &JsValue::from_f64(error.span.line as f64));
    set(&js, "column", &JsValue::from_f64(error.span.column as f64));
    let kind = match &error.kind {
        ExecErrorKind::Parse(_) => "parse",
        ExecErrorKind::Kafka { .. } => "kafka",
        ExecErrorKind::Tool { .. } => "tool",
        ExecErrorKind::UnknownClient { .. } => "unknown_client",
        ExecErrorKind::ClientExists { .. } => "client_exists",
        ExecErrorKind::NotYetAvailable { .. } => "not_yet_available",
        ExecErrorKind::SeedTooLate => "seed_too_late",
    };
    set(&js, "kind", &JsValue::from_str(kind));
    if let Some(code) = error.kafka_code() {
        set(&js, "code", &JsValue::from_str(code));
    }
    js
}

fn plain_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

#[derive(Serialize)]
struct LineResult<'a> {
    line: usize,
    column: usize,
    command: &'a str,
    text: &'a str,
    events: &'a [sim::Event],
}

fn line_results(lines: &[LineOutput]) -> Vec<LineResult<'_>> {
    lines
        .iter()
        .map(|l| LineResult {
            line: l.span.line,
            column: l.span.column,
            command: &l.command,
            text: &l.output.text,
            events: &l.output.events,
        })
        .collect()
}

impl Simulator {
    /// The Rust-side constructor (native callers and tests): any `u64` seed.
    pub fn with_seed(seed: u64) -> Simulator {
        Simulator {
            console: Console::new(seed),
        }
    }

    /// The console behind the API.
    pub fn console(&self) -> &Console {
        &self.console
    }

    /// Runs one line; the Rust form of [`Simulator::run`].
    pub fn run_line(&mut self, line: &str) -> Result<Output, ExecError> {
        self.console.run_line(line)
    }
}

#[wasm_bindgen]
impl Simulator {
    /// A new cluster (three brokers) whose every random choice follows `seed`, a whole
    /// number from 0 to `Number.MAX_SAFE_INTEGER`.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: f64) -> Result<Simulator, JsValue> {
        if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= MAX_SAFE_INTEGER) {
            return Err(plain_error(&format!(
                "the seed must be a whole number from 0 to {MAX_SAFE_INTEGER}, not {seed}"
            )));
        }
        Ok(Simulator::with_seed(seed as u64))
    }

    /// Runs one console line. Returns `{ text, events }`; throws an `Error` with `line`,
    /// `column`, `kind` (and `code`) if the line fails, in which case nothing changed.
    #[wasm_bindgen(unchecked_return_type = "RunOutput")]
    pub fn run(&mut self, line: &str) -> Result<JsValue, JsValue> {
        let output = self.console.run_line(line).map_err(|e| js_error(&e))?;
        to_js(&output)
    }

    /// Runs a scenario file. Returns one `{ line, column, command, text, events }` per
    /// command. Stops at the first failing line and throws its `Error` (with `line` and
    /// `column` in the file, and `completed`: the results of the lines before it, which stay
    /// applied).
    #[wasm_bindgen(js_name = runScript, unchecked_return_type = "LineResult[]")]
    pub fn run_script(&mut self, source: &str) -> Result<JsValue, JsValue> {
        match self.console.run_script(source) {
            Ok(lines) => to_js(&line_results(&lines)),
            Err(e) => {
                let js = js_error(&e.error);
                set(&js, "completed", &to_js(&line_results(&e.completed))?);
                Err(js)
            }
        }
    }

    /// The world as a plain object: schema `offset-express/state`, version 1
    /// (`docs/state-schema.md`).
    #[wasm_bindgen(unchecked_return_type = "State")]
    pub fn state(&self) -> Result<JsValue, JsValue> {
        to_js(&state::state(&self.console))
    }

    /// The same document as pretty-printed JSON text (byte for byte what the CLI prints).
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self) -> String {
        state::state_json(&self.console)
    }

    /// The events of every successful line since the last `takeEvents()`, without taking them.
    #[wasm_bindgen(unchecked_return_type = "SimEvent[]")]
    pub fn events(&self) -> Result<JsValue, JsValue> {
        to_js(&self.console.events())
    }

    /// The events since the last call, taken (the next call starts empty).
    #[wasm_bindgen(js_name = takeEvents, unchecked_return_type = "SimEvent[]")]
    pub fn take_events(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.console.take_events())
    }

    /// The canonical lines accepted so far that changed something (the session log).
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn log(&self) -> Result<JsValue, JsValue> {
        to_js(&self.console.log())
    }

    /// Everything (world, clients, session log) as bytes for `Simulator.restore`.
    pub fn snapshot(&self) -> Result<Vec<u8>, JsValue> {
        self.console
            .snapshot()
            .map_err(|e| plain_error(&e.to_string()))
    }

    /// A simulator from `snapshot()` bytes; throws `CORRUPT_SNAPSHOT` or
    /// `UNSUPPORTED_VERSION` for bytes it cannot read.
    pub fn restore(bytes: &[u8]) -> Result<Simulator, JsValue> {
        Console::restore(bytes)
            .map(|console| Simulator { console })
            .map_err(|e| {
                let js = plain_error(&e.to_string());
                set(&js, "code", &JsValue::from_str(e.kafka_code()));
                js
            })
    }

    /// The world's state hash as 16 hex digits: equal hashes, equal worlds.
    #[wasm_bindgen(js_name = stateHash)]
    pub fn state_hash(&self) -> String {
        self.console.state_hash()
    }
}
