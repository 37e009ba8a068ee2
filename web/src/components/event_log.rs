//! The event log: one plain sentence per event, newest first, with the step that caused it,
//! in the chosen vocabulary. A polite live region announces what just happened; during play
//! it speaks at most once every [`ANNOUNCE_EVERY_MS`], summarising what it skipped.

use crate::components::sight::use_hidden;
use crate::session::LoggedEvent;
use crate::state::Slow;
use crate::view::sentences::sentence;
use crate::vocab::Vocabulary;
use sim::Event;
use yew::prelude::*;

/// The fewest real milliseconds between two announcements during play.
pub const ANNOUNCE_EVERY_MS: f64 = 2000.0;
/// Rows drawn at first; "show more" adds as many again.
const PAGE: usize = 40;

/// Replication chatter: shown only on request, it would drown the rest during play. (A commit
/// record's append is told by its own `OffsetCommitAppended` sentence.)
fn is_detail(e: &Event) -> bool {
    matches!(
        e,
        Event::FollowerFetched { .. }
            | Event::HighWatermarkAdvanced { .. }
            | Event::SegmentRolled { .. }
            | Event::ClockAdvanced { .. }
    ) || matches!(e, Event::RecordAppended { topic, .. } if topic == sim::OFFSETS_TOPIC)
}

/// What the live region says about `sentences`, `skipped` more having happened since the
/// last announcement.
pub fn announcement(sentences: &[String], skipped: usize) -> String {
    let total = sentences.len() + skipped;
    match (sentences, total) {
        ([], _) => String::new(),
        ([one], 1) => one.clone(),
        ([a, b], 2) => format!("{a} {b}"),
        ([.., last], n) => format!("{n} things happened. The latest: {last}"),
    }
}

/// The rows drawn, newest first: (key, step, event); and how many rows there are in all.
type Rows = Vec<(String, u64, Event)>;

#[derive(Default)]
struct ListCache {
    /// (step, details shown, rows wanted) the rows were built for.
    key: Option<(u64, bool, usize)>,
    at: Option<f64>,
    rows: Rows,
    total: usize,
}

/// How often play rebuilds the list (real milliseconds).
const LIST_EVERY_MS: f64 = 1000.0;

/// The newest `limit` rows (details only if asked), each keyed by its step and its place in
/// the step so rows keep their identity as the log grows; and the number of rows in all.
fn newest_rows<'a>(
    events: impl DoubleEndedIterator<Item = &'a LoggedEvent>,
    details: bool,
    limit: usize,
) -> (Rows, usize) {
    let mut keyed: Vec<(String, u64, &Event)> = Vec::new();
    let mut last_step = None;
    let mut index = 0;
    for logged in events {
        if last_step == Some(logged.step) {
            index += 1;
        } else {
            index = 0;
            last_step = Some(logged.step);
        }
        if details || !is_detail(&logged.event) {
            keyed.push((
                format!("{}-{index}", logged.step),
                logged.step,
                &logged.event,
            ));
        }
    }
    let total = keyed.len();
    let rows = keyed
        .into_iter()
        .rev()
        .take(limit)
        .map(|(k, s, e)| (k, s, e.clone()))
        .collect();
    (rows, total)
}

#[derive(Default)]
struct Announcer {
    step: u64,
    last_ms: f64,
    skipped: usize,
    text: String,
}

/// Real time in milliseconds (the browser's clock; 0 natively), for throttling what play
/// would otherwise redraw on every tick.
pub(crate) fn now_real_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

#[component]
pub fn EventLog() -> Html {
    let announcer = use_mut_ref(Announcer::default);
    let cache = use_mut_ref(ListCache::default);
    let shown = use_state(|| PAGE);
    let details = use_state(|| false);
    let node = use_node_ref();
    let hidden = use_hidden(&node);
    let Some(state) = use_context::<Slow>().map(|s| s.0) else {
        return html! {};
    };
    let v = state.vocabulary;
    let sandbox = state.sandbox();
    let live = {
        let mut a = announcer.borrow_mut();
        if a.step != sandbox.step() {
            a.step = sandbox.step();
            let news: Vec<&Event> = sandbox.latest().iter().filter(|e| !is_detail(e)).collect();
            if !news.is_empty() {
                let now = now_real_ms();
                if !state.playing || now - a.last_ms >= ANNOUNCE_EVERY_MS {
                    let sentences: Vec<String> = news.iter().map(|e| sentence(e, v)).collect();
                    a.text = announcement(&sentences, a.skipped);
                    a.last_ms = now;
                    a.skipped = 0;
                } else {
                    a.skipped += news.len();
                }
            }
        }
        a.text.clone()
    };
    // During play the list is rebuilt at most once a second (hundreds of events a second
    // would only flicker past), and not while it is out of sight (at once when it comes
    // back); paused, it follows every step. The live region above follows play in sight or
    // not.
    let (rows, total) = {
        let mut c = cache.borrow_mut();
        let wanted = (sandbox.step(), *details, *shown);
        let now = now_real_ms();
        let due = !state.playing
            || (!hidden && c.at.is_none_or(|at| now - at >= LIST_EVERY_MS))
            || c.key.is_none();
        if c.key != Some(wanted) && due {
            c.key = Some(wanted);
            c.at = Some(now);
            let (rows, total) = newest_rows(sandbox.events(), *details, *shown);
            c.rows = rows;
            c.total = total;
        }
        (c.rows.clone(), c.total)
    };
    let limit = *shown;
    let toggle_details = {
        let details = details.clone();
        Callback::from(move |_| details.set(!*details))
    };
    let more = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(*shown + PAGE))
    };
    html! {
        <section class="panel event-log" aria-labelledby="event-log-title" data-testid="event-log" ref={node}>
            <div class="event-log-head">
                <h2 id="event-log-title">{ "What happened" }</h2>
                <button type="button" class="chip-button" aria-pressed={(*details).to_string()} onclick={toggle_details}
                        title="Followers copying and the high watermark moving: many small events">
                    { "Replication details" }
                </button>
            </div>
            <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-region">{ live }</div>
            if rows.is_empty() {
                <p class="empty-hint">{ "Nothing yet: what you do appears here, one sentence per event." }</p>
            } else {
                <ol class="events">
                    { for rows.into_iter().map(|(key, step, event)| html! {
                        <EventRow key={key} step={step} event={event} vocabulary={v} />
                    }) }
                </ol>
                if total > limit {
                    <button type="button" class="chip-button more" onclick={more}>{ format!("Show older ({} more)", total - limit) }</button>
                }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    step: u64,
    event: Event,
    vocabulary: Vocabulary,
}

#[component]
fn EventRow(props: &RowProps) -> Html {
    let text = sentence(&props.event, props.vocabulary);
    html! {
        <li class={classes!("event", event_class(&props.event))}>
            <span class="event-step" title="The step (console line or play tick) that caused it">{ format!("#{}", props.step) }</span>
            <span class="event-text">{ text }</span>
        </li>
    }
}

fn event_class(e: &Event) -> &'static str {
    match e {
        Event::RecordAppended { .. }
        | Event::ProduceAcknowledged { .. }
        | Event::Producer { .. } => "ev-produce",
        Event::Consumer { .. }
        | Event::ConsumerCreated { .. }
        | Event::ConsumerRestarted { .. }
        | Event::RecordsProcessed { .. }
        | Event::ProcessingAbandoned { .. } => "ev-consume",
        Event::Group { .. } => "ev-group",
        Event::OffsetCommitAppended { .. } | Event::OffsetCommitted { .. } => "ev-commit",
        Event::ConsumerFailed { .. }
        | Event::ProduceFailed { .. }
        | Event::OffsetCommitFailed { .. }
        | Event::BrokerStopped { .. } => "ev-problem",
        _ => "ev-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_summarise_what_play_skipped() {
        let s = |t: &str| t.to_string();
        assert_eq!(announcement(&[], 0), "");
        assert_eq!(announcement(&[s("A.")], 0), "A.");
        assert_eq!(announcement(&[s("A."), s("B.")], 0), "A. B.");
        assert_eq!(
            announcement(&[s("A.")], 4),
            "5 things happened. The latest: A."
        );
        assert_eq!(
            announcement(&[s("A."), s("B."), s("C.")], 0),
            "3 things happened. The latest: C."
        );
    }

    #[test]
    fn rows_are_newest_first_keyed_by_step_and_place_and_hide_details() {
        let logged = |step, event| LoggedEvent { step, event };
        let clock = Event::ClockAdvanced {
            from_ms: 0,
            to_ms: 1,
        };
        let broker = |b| Event::BrokerStopped {
            broker: sim::BrokerId(b),
        };
        let events = [
            logged(1, broker(1)),
            logged(1, clock.clone()),
            logged(1, broker(2)),
            logged(2, broker(3)),
        ];
        let (rows, total) = newest_rows(events.iter(), false, 2);
        assert_eq!(total, 3);
        let keys: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(keys, ["2-0", "1-2"]);
        let (rows, total) = newest_rows(events.iter(), true, 10);
        assert_eq!(total, 4);
        assert_eq!(rows[2].0, "1-1");
    }
}
