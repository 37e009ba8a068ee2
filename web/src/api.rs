//! The page's console for scripts: `window.offsetExpress`, with the members of the JavaScript
//! package (`run`, `runScript`, `state`, `stateJson`, `log`, `stateHash`). A test, a teacher
//! or a curious learner in the devtools drives exactly what the buttons drive: the same
//! sandbox, the same saved session, and the page redraws.
//!
//! Two members more than the package, for benchmarks and teachers: `play(ms)` advances the
//! clock as the play button does (in 100 ms ticks, kept as one `advance` line), and
//! `memoryBytes()` is the size of the wasm heap.

use crate::state::{Action, AppContext};
use yew::prelude::*;

/// Installs `window.offsetExpress` once, and keeps it pointing at the page's latest state.
#[hook]
pub fn use_page_api(state: &AppContext) {
    let latest = use_mut_ref(|| None::<AppContext>);
    *latest.borrow_mut() = Some(state.clone());
    use_effect_with((), move |_| {
        #[cfg(target_arch = "wasm32")]
        wasm::install(latest);
        #[cfg(not(target_arch = "wasm32"))]
        drop(latest);
    });
}

/// The message a follower tab gives instead of running a line.
const FOLLOWING: &str = "this tab is only following the session; take it over to make changes";

/// What `run` returns, as JSON text (the page parses it into an object).
fn run_json(state: &AppContext, line: &str) -> Result<String, LineFailure> {
    if !state.can_write() {
        return Err(LineFailure::plain(FOLLOWING));
    }
    let result = state.sandbox_cell().borrow_mut().run(line);
    state.dispatch(Action::Changed);
    let output = result.map_err(|e| LineFailure::exec(&e))?;
    serde_json::to_string(&output).map_err(|e| LineFailure::plain(&e.to_string()))
}

/// Advances the virtual clock by `millis` as play does: 100 ms ticks kept as one stored line.
fn play(state: &AppContext, millis: u64) -> Result<(), LineFailure> {
    if !state.can_write() {
        return Err(LineFailure::plain(FOLLOWING));
    }
    let result = {
        let cell = state.sandbox_cell();
        let mut sandbox = cell.borrow_mut();
        let mut left = millis;
        let mut result = Ok(());
        while left > 0 {
            let tick = left.min(PLAY_TICK_MS);
            if let Err(e) = sandbox.tick(tick) {
                result = Err(LineFailure::exec(&e));
                break;
            }
            left -= tick;
        }
        sandbox.settle();
        result
    };
    state.dispatch(Action::Changed);
    result
}

/// The tick `play(ms)` uses: what the play button advances per frame at 6× speed.
const PLAY_TICK_MS: u64 = 100;

#[derive(serde::Serialize)]
struct LineResult<'a> {
    line: usize,
    column: usize,
    command: &'a str,
    text: &'a str,
    events: &'a [sim::Event],
}

fn line_results(lines: &[script::exec::LineOutput]) -> Vec<LineResult<'_>> {
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

/// What `runScript` returns, as JSON text; a failure carries the results of the lines before.
fn run_script_json(state: &AppContext, source: &str) -> Result<String, Box<(LineFailure, String)>> {
    if !state.can_write() {
        return Err(Box::new((LineFailure::plain(FOLLOWING), "[]".into())));
    }
    // The open chapter's goals are checked after each line, as for lines typed one by one.
    let mut run = state.chapter_run().cloned();
    let result = state
        .sandbox_cell()
        .borrow_mut()
        .run_script_observed(source, |console| {
            if let Some(run) = run.as_mut() {
                run.observe(console);
            }
        });
    match run {
        Some(run) => state.dispatch(Action::ChapterObserved(Box::new(run))),
        None => state.dispatch(Action::Changed),
    }
    match result {
        Ok(lines) => serde_json::to_string(&line_results(&lines))
            .map_err(|e| Box::new((LineFailure::plain(&e.to_string()), "[]".into()))),
        Err(e) => Err(Box::new((
            LineFailure::exec(&e.error),
            serde_json::to_string(&line_results(&e.completed)).unwrap_or_else(|_| "[]".into()),
        ))),
    }
}

/// A failed line, as the thrown `Error` describes it.
#[derive(Debug, PartialEq)]
struct LineFailure {
    message: String,
    line: Option<usize>,
    column: Option<usize>,
    /// `parse`, `kafka`, `tool`, `unknown_client` … (the error's serde tag).
    kind: Option<String>,
    code: Option<String>,
}

impl LineFailure {
    fn plain(message: &str) -> Self {
        LineFailure {
            message: message.to_string(),
            line: None,
            column: None,
            kind: None,
            code: None,
        }
    }

    fn exec(e: &script::exec::ExecError) -> Self {
        let kind = serde_json::to_value(&e.kind)
            .ok()
            .and_then(|v| v.get("error").and_then(|k| k.as_str()).map(str::to_string));
        LineFailure {
            message: e.to_string(),
            line: Some(e.span.line),
            column: Some(e.span.column),
            kind,
            code: e.kafka_code().map(str::to_string),
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;

    type Latest = Rc<RefCell<Option<AppContext>>>;

    fn parse(json: &str) -> JsValue {
        js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
    }

    fn throw(f: LineFailure) -> JsValue {
        let error = js_sys::Error::new(&f.message);
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(k), &v);
        };
        if let Some(line) = f.line {
            set("line", JsValue::from_f64(line as f64));
        }
        if let Some(column) = f.column {
            set("column", JsValue::from_f64(column as f64));
        }
        if let Some(kind) = f.kind {
            set("kind", JsValue::from_str(&kind));
        }
        if let Some(code) = f.code {
            set("code", JsValue::from_str(&code));
        }
        error.into()
    }

    fn current(latest: &Latest) -> Result<AppContext, JsValue> {
        latest
            .borrow()
            .clone()
            .ok_or_else(|| js_sys::Error::new("the page is not ready yet").into())
    }

    fn member<F>(object: &js_sys::Object, name: &str, f: F)
    where
        F: Fn(JsValue) -> Result<JsValue, JsValue> + 'static,
    {
        let closure = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(f);
        let _ = js_sys::Reflect::set(object, &JsValue::from_str(name), closure.as_ref());
        // The page's API lives as long as the page.
        closure.forget();
    }

    pub fn install(latest: Latest) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let api = js_sys::Object::new();
        let l = Rc::clone(&latest);
        member(&api, "run", move |line| {
            let state = current(&l)?;
            let line = line.as_string().unwrap_or_default();
            run_json(&state, &line).map(|j| parse(&j)).map_err(throw)
        });
        let l = Rc::clone(&latest);
        member(&api, "runScript", move |source| {
            let state = current(&l)?;
            let source = source.as_string().unwrap_or_default();
            run_script_json(&state, &source)
                .map(|j| parse(&j))
                .map_err(|failure| {
                    let (f, completed) = *failure;
                    let error = throw(f);
                    let _ = js_sys::Reflect::set(
                        &error,
                        &JsValue::from_str("completed"),
                        &parse(&completed),
                    );
                    error
                })
        });
        let l = Rc::clone(&latest);
        member(&api, "stateJson", move |_| {
            let state = current(&l)?;
            let json = script::exec::state::state_json(state.sandbox().console());
            Ok(JsValue::from_str(&json))
        });
        let l = Rc::clone(&latest);
        member(&api, "state", move |_| {
            let state = current(&l)?;
            let json = script::exec::state::state_json(state.sandbox().console());
            Ok(parse(&json))
        });
        let l = Rc::clone(&latest);
        member(&api, "log", move |_| {
            let state = current(&l)?;
            let lines = js_sys::Array::new();
            for line in state.sandbox().lines() {
                lines.push(&JsValue::from_str(line));
            }
            Ok(lines.into())
        });
        let l = Rc::clone(&latest);
        member(&api, "stateHash", move |_| {
            let state = current(&l)?;
            let hash = state.sandbox().state_hash();
            Ok(JsValue::from_str(&hash))
        });
        let l = Rc::clone(&latest);
        member(&api, "play", move |millis| {
            let state = current(&l)?;
            let millis = millis.as_f64().filter(|m| m.is_finite() && *m >= 0.0);
            let Some(millis) = millis else {
                return Err(
                    js_sys::Error::new("play(ms) needs a number of milliseconds ≥ 0").into(),
                );
            };
            play(&state, millis as u64)
                .map(|_| JsValue::UNDEFINED)
                .map_err(throw)
        });
        let l = Rc::clone(&latest);
        member(&api, "jump", move |step| {
            let state = current(&l)?;
            let step = step.as_f64().filter(|s| s.is_finite() && *s >= 0.0);
            let Some(step) = step else {
                return Err(js_sys::Error::new(
                    "jump(step) needs a step number ≥ 0 (0 is the world before the first line)",
                )
                .into());
            };
            let result = state.sandbox_cell().borrow_mut().jump(step as usize);
            state.dispatch(Action::Changed);
            result
                .map(|_| JsValue::UNDEFINED)
                .map_err(|e| js_sys::Error::new(&e).into())
        });
        member(&api, "memoryBytes", move |_| {
            let memory = wasm_bindgen::memory();
            let buffer = js_sys::Reflect::get(&memory, &JsValue::from_str("buffer"))?;
            js_sys::Reflect::get(&buffer, &JsValue::from_str("byteLength"))
        });
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str("offsetExpress"), &api);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_line_names_its_kind_and_place() {
        let mut sandbox = crate::session::Sandbox::starter();
        let e = sandbox
            .run("kafka-topics --create --topic orders --partitons 3")
            .unwrap_err();
        let f = LineFailure::exec(&e);
        assert_eq!(f.kind.as_deref(), Some("parse"));
        assert_eq!((f.line, f.column), (Some(1), Some(38)));
        assert!(f.message.contains("--partitions"), "{}", f.message);
        let e = sandbox
            .run("kafka-topics --create --topic orders")
            .unwrap_err();
        // The broker refuses it (TOPIC_ALREADY_EXISTS), and the tool prints the refusal.
        let f = LineFailure::exec(&e);
        assert_eq!(f.kind.as_deref(), Some("kafka"));
        assert!(f.message.contains("already exists"), "{}", f.message);
    }
}
