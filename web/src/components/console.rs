//! The console: the grown-up version of every button. The transcript shows every line that
//! ran on the page (typed or clicked) with its answer, an error with a caret under the column
//! it is about; the box runs what the learner types, with Tab completion and Up/Down history.

use crate::completion::{self, History, Names};
use crate::components::code_echo::CodeEcho;
use crate::session::{Exchange, LineError};
use crate::state::{Action, Calm, Persistence};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How many exchanges the transcript draws (the newest).
const SHOWN: usize = 60;

/// The caret line under an error: spaces up to the column, then one `^` per character.
pub fn caret(error: &LineError) -> String {
    format!(
        "{}{}",
        " ".repeat(error.column.saturating_sub(1)),
        "^".repeat(error.length.clamp(1, 200))
    )
}

#[derive(Properties, PartialEq)]
struct ExchangeProps {
    exchange: Exchange,
    /// The newest exchange: its error carries the test id.
    newest: bool,
    /// Announce its error (a line typed here; a control's line is announced by the controls).
    announce: bool,
    /// Puts a corrected line in the box.
    on_fix: Callback<String>,
}

#[component]
fn ExchangeView(props: &ExchangeProps) -> Html {
    let e = &props.exchange;
    let answer = match &e.result {
        Ok(text) if text.trim().is_empty() => html! {},
        Ok(text) => html! { <pre class="console-output">{ text.trim_end() }</pre> },
        Err(error) => {
            let fix = completion::suggested_fix(&e.line);
            html! {
                <>
                    <p class="console-error" data-testid={props.newest.then_some("console-error")}
                       role={props.announce.then_some("alert")}>
                        <span class="visually-hidden">{ format!("Error at column {}: ", error.column) }</span>
                        { &error.message }
                        if let Some((suggestion, _)) = &fix {
                            { format!("; did you mean '{suggestion}'?") }
                        }
                    </p>
                    if let Some((_, fixed)) = fix {
                        <button type="button" class="console-fix" onclick={
                            let (on_fix, fixed) = (props.on_fix.clone(), fixed.clone());
                            Callback::from(move |_: MouseEvent| on_fix.emit(fixed.clone()))
                        }>
                            <span>{ "Edit as " }</span><code>{ fixed }</code>
                        </button>
                    }
                </>
            }
        }
    };
    let caret_line = match &e.result {
        Err(error) => {
            html! { <pre class="console-caret" aria-hidden="true">{ format!("  {}", caret(error)) }</pre> }
        }
        Ok(_) => html! {},
    };
    html! {
        <li class={classes!("console-exchange", e.result.is_err().then_some("failed"))}
            data-seq={e.seq.to_string()} data-line={e.line.clone()}>
            <div class="console-code">
                <pre class="console-line"><span class="console-prompt" aria-hidden="true">{ "› " }</span>{ &e.line }</pre>
                { caret_line }
            </div>
            { answer }
            if e.result.is_ok() {
                <CodeEcho line={e.line.clone()} />
            }
        </li>
    }
}

#[component]
pub fn Console() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let text = use_state(String::new);
    let candidates = use_state(Vec::<String>::new);
    let history = use_mut_ref(History::default);
    let last_typed = use_mut_ref(String::new);
    let input_ref = use_node_ref();
    let transcript_ref = use_node_ref();

    let (exchanges, total) = {
        let sandbox = state.sandbox();
        let total = sandbox.transcript().count();
        let shown: Vec<Exchange> = sandbox
            .transcript()
            .skip(total.saturating_sub(SHOWN))
            .cloned()
            .collect();
        (shown, total)
    };

    // Keep the newest exchange in view.
    {
        let transcript_ref = transcript_ref.clone();
        use_effect_with(total, move |_| {
            if let Some(list) = transcript_ref.cast::<web_sys::Element>() {
                list.set_scroll_top(list.scroll_height());
            }
        });
    }

    let set_text = {
        let (text, input_ref) = (text.clone(), input_ref.clone());
        move |value: String| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                input.set_value(&value);
                let end = value.encode_utf16().count() as u32;
                let _ = input.set_selection_range(end, end);
            }
            text.set(value);
        }
    };

    let complete = {
        let (state, candidates, set_text) = (state.clone(), candidates.clone(), set_text.clone());
        move |current: &str| {
            let names = Names::of(state.sandbox().world());
            match completion::complete(current, &names) {
                Some(done) => {
                    set_text(done.line);
                    candidates.set(done.candidates);
                }
                None => candidates.set(Vec::new()),
            }
        }
    };

    let oninput = {
        let (text, candidates, history) = (text.clone(), candidates.clone(), history.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            text.set(input.value());
            candidates.set(Vec::new());
            history.borrow_mut().reset();
        })
    };

    let onkeydown = {
        let (state, history, candidates, set_text, complete) = (
            state.clone(),
            history.clone(),
            candidates.clone(),
            set_text.clone(),
            complete.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let current = input.value();
            match e.key().as_str() {
                // Tab completes what is typed; in an empty box (or with Shift) it moves on.
                "Tab" if !e.shift_key() && !current.trim().is_empty() => {
                    e.prevent_default();
                    complete(&current);
                }
                "ArrowUp" | "ArrowDown" => {
                    let entries = {
                        let sandbox = state.sandbox();
                        completion::entries(sandbox.transcript().map(|x| x.line.as_str()))
                    };
                    let mut h = history.borrow_mut();
                    let next = if e.key() == "ArrowUp" {
                        h.older(&entries, &current)
                    } else {
                        h.newer(&entries)
                    };
                    if let Some(line) = next {
                        e.prevent_default();
                        drop(h);
                        set_text(line);
                        candidates.set(Vec::new());
                    }
                }
                "Escape" if !candidates.is_empty() => candidates.set(Vec::new()),
                _ => {}
            }
        })
    };

    let onsubmit = {
        let (state, history, candidates, set_text, input_ref, last_typed) = (
            state.clone(),
            history.clone(),
            candidates.clone(),
            set_text.clone(),
            input_ref.clone(),
            last_typed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let line = input_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let line = line.trim();
            if line.is_empty() {
                return;
            }
            *last_typed.borrow_mut() = line.to_string();
            state.dispatch(Action::Run(line.to_string()));
            history.borrow_mut().reset();
            candidates.set(Vec::new());
            set_text(String::new());
        })
    };

    let on_tab_button = {
        let (complete, input_ref, text) = (complete.clone(), input_ref.clone(), text.clone());
        Callback::from(move |_: MouseEvent| {
            complete(&text);
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        })
    };

    let on_fix = {
        let (text, input_ref, candidates) = (text.clone(), input_ref.clone(), candidates.clone());
        use_callback((), move |fixed: String, _| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                input.set_value(&fixed);
                let _ = input.focus();
            }
            text.set(fixed);
            candidates.set(Vec::new());
        })
    };

    let pick = {
        let (text, complete) = (text.clone(), complete.clone());
        move |choice: String| {
            let (text, complete) = (text.clone(), complete.clone());
            Callback::from(move |_: MouseEvent| {
                // Replace the word being completed by the choice, then complete it fully.
                let current: &str = &text;
                let cut = current
                    .rfind(|c: char| c.is_whitespace() || c == ',' || c == '=')
                    .map_or(0, |i| i + 1);
                complete(&format!("{}{}", &current[..cut], choice.trim_matches('"')));
            })
        }
    };

    html! {
        <section class="panel console" aria-labelledby="console-title">
            <h2 id="console-title">{ "Console" }</h2>
            <p class="panel-note">{ "Every button runs a line you could type here. Try " }<code>{ "help" }</code>{ "." }</p>
            <ol class="console-transcript" data-testid="console-transcript" ref={transcript_ref}
                aria-label="Console transcript" tabindex="0">
                if exchanges.is_empty() {
                    <li class="console-empty">{ "Nothing run yet on this page." }</li>
                }
                { for exchanges.iter().enumerate().map(|(i, x)| html! {
                    <ExchangeView key={x.seq} exchange={x.clone()} newest={i + 1 == exchanges.len()}
                                  announce={i + 1 == exchanges.len() && x.line == *last_typed.borrow()}
                                  on_fix={on_fix.clone()} />
                }) }
            </ol>
            <form class="console-form" onsubmit={onsubmit}>
                <label class="visually-hidden" for="console-input">{ "Console command" }</label>
                <span class="console-prompt" aria-hidden="true">{ "›" }</span>
                <input id="console-input" ref={input_ref} data-testid="console-input" type="text"
                       value={(*text).clone()} {oninput} {onkeydown}
                       placeholder="poll c1" autocomplete="off" autocapitalize="off"
                       spellcheck="false" enterkeyhint="send"
                       aria-describedby="console-hint" />
                <button type="button" class="tool console-tab" onclick={on_tab_button}
                        title="Complete (Tab)" aria-label="Complete the word">{ "⇥" }</button>
                <button type="submit" class="primary console-run">{ "Run" }</button>
            </form>
            if !candidates.is_empty() {
                <ul class="console-candidates" aria-label="Completions">
                    { for candidates.iter().take(40).map(|c| html! {
                        <li><button type="button" class="chip" onclick={pick(c.clone())}>{ c }</button></li>
                    }) }
                </ul>
            }
            if matches!(&state.persistence, Persistence::Ready(s) if !s.writer) {
                <p class="console-hint control-invalid" role="note">
                    { "This tab follows a session another tab writes: lines run there, not here. Take the session over to type." }
                </p>
            }
            <p class="console-hint" id="console-hint">{ "Tab completes · ↑ ↓ earlier lines · Enter runs" }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_sits_under_the_column() {
        let e = LineError {
            column: 4,
            length: 2,
            message: String::new(),
        };
        assert_eq!(caret(&e), "   ^^");
        let e = LineError {
            column: 0,
            length: 0,
            message: String::new(),
        };
        assert_eq!(caret(&e), "^");
    }
}
