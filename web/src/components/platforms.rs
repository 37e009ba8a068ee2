//! The platforms (producers): passengers (records) queue in a group boarding (batch) per
//! compartment until `linger.ms` passes or the batch is full, then board; the key picks the
//! compartment (`toPositive(murmur2(key)) % compartments`, shown on request); what the
//! latest step did — sent, acknowledged (`acks`), retried, rejected as a duplicate, failed —
//! is shown as it happens.

use crate::state::AppContext;
use crate::view::sentences::{bare, count, duration, plural};
use crate::view::teams::{self, Outcome, Platform, QueuedBatch};
use crate::vocab::{capitalised, Term, Vocabulary};
use std::collections::BTreeMap;
use yew::prelude::*;

/// While play runs, the platform cards take turns: one is drawn again at each frame (each of
/// three every third frame, still many times a second), the others keep their last drawing.
/// Their counts and outcomes change at every frame of play; drawing every card at every frame
/// spent a good part of the frame laying out and painting numbers too quick to read.
#[derive(Default)]
struct Turns {
    frame: usize,
    /// Each platform as last drawn, with the clock its waiting batches were drawn at.
    drawn: BTreeMap<String, (Platform, i64)>,
}

#[component]
pub fn Platforms() -> Html {
    let turns = use_mut_ref(Turns::default);
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let v = state.vocabulary;
    let sandbox = state.sandbox();
    let world = sandbox.world();
    let now = world.now_ms();
    // Only the waiting batches need the clock: a quiet platform does not redraw.
    let list: Vec<(Platform, i64)> = teams::platforms(world, sandbox.latest())
        .into_iter()
        .map(|p| {
            let clock = if p.batches.is_empty() { 0 } else { now };
            (p, clock)
        })
        .collect();
    let list = {
        let mut t = turns.borrow_mut();
        if state.playing {
            t.frame = t.frame.wrapping_add(1);
            let turn = t.frame % list.len().max(1);
            let list: Vec<(Platform, i64)> = list
                .into_iter()
                .enumerate()
                .map(|(i, (p, clock))| match t.drawn.get(&p.name) {
                    Some(kept) if i != turn => kept.clone(),
                    _ => (p, clock),
                })
                .collect();
            t.drawn = list
                .iter()
                .map(|(p, clock)| (p.name.clone(), (p.clone(), *clock)))
                .collect();
            list
        } else {
            // Paused or stepping: every card shows the newest.
            t.drawn.clear();
            list
        }
    };
    // How many compartments each train has, for the "why this compartment?" answer.
    let partitions: Vec<(String, i32)> = world
        .topics()
        .map(|t| (t.name().to_string(), t.partition_count()))
        .collect();
    // The outcomes' animations restart with each step shown; while play runs a step is shown
    // at every frame, so they would start over (from transparent) at every frame: during play
    // the outcomes stay in place, only their words change, and they do not animate (an
    // outcome of a new kind would start a new animation, a new composited layer, several
    // times a second).
    let step = if state.playing { 0 } else { sandbox.step() };
    let playing = state.playing;
    html! {
        <section class="panel platforms" aria-labelledby="platforms-title">
            <h2 id="platforms-title" title={Term::Producer.explanation()}>{ capitalised(&plural(Term::Producer.word(v))) }</h2>
            if list.is_empty() {
                <p class="empty-hint">
                    { format!("No {} client yet. In the console: ", bare(Term::Producer.word(v))) }
                    <code>{ "producer p1 linger.ms=1000" }</code>{ ", then " }
                    <code>{ "send p1 --topic orders --key alice --value hi" }</code>
                </p>
            } else {
                <ul class="platform-list">
                    { for list.into_iter().map(|(p, clock)| {
                        let key = p.name.clone();
                        html! {
                            <PlatformCard key={key} platform={p} vocabulary={v} now_ms={clock}
                                partitions={partitions.clone()} step={step} playing={playing} />
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    platform: Platform,
    vocabulary: Vocabulary,
    now_ms: i64,
    partitions: Vec<(String, i32)>,
    /// The session step the outcomes belong to (animations restart with each step); 0 while
    /// play runs.
    step: u64,
    playing: bool,
}

#[component]
fn PlatformCard(props: &CardProps) -> Html {
    let CardProps {
        platform: p,
        vocabulary: v,
        now_ms,
        partitions,
        step,
        playing,
    } = props;
    let v = *v;
    let waiting: usize = p.batches.iter().map(|b| b.records.len()).sum();
    html! {
        <li class={classes!("platform-card", p.closed.then_some("closed"))} data-testid="platform" data-producer={p.name.clone()}>
            <header class="platform-head">
                <span class="platform-sign" aria-hidden="true"></span>
                <h3><span class="platform-term">{ capitalised(bare(Term::Producer.word(v))) }</span>{ " " }<span class="platform-name">{ &p.name }</span></h3>
                if p.closed { <span class="platform-closed">{ "closed" }</span> }
            </header>
            <p class="platform-settings">
                <code title="acks: how many copies must have a record before the producer hears it is written">{ format!("acks={}", p.acks) }</code>
                <code title="linger.ms: how long a batch waits for more records">{ format!("linger.ms={}", p.linger_ms) }</code>
                <code title="batch.size: a batch this full leaves at once">{ format!("batch.size={}", p.batch_size) }</code>
                if p.idempotent { <code title="enable.idempotence: a retried record is never written twice">{ "idempotent" }</code> }
                if let Some((topic, rate, keys)) = &p.app {
                    <span class="platform-app">{ format!("sends on its own: {rate}/s to \"{topic}\"{}", if *keys > 0 { format!(", {keys} {}", plural(Term::Key.word(v))) } else { String::new() }) }</span>
                }
            </p>
            <p class="platform-counts">
                <span>{ figure(waiting) }{ format!(" {} waiting", count(waiting as i128, Term::Record, v).split_once(' ').map_or("", |(_, w)| w)) }</span>
                <span title="Written, waiting for the acknowledgement">{ figure(p.in_flight) }{ " in flight" }</span>
                <span class="count-ok">{ "✓ " }{ figure(p.acknowledged) }{ " acknowledged" }</span>
                if p.failed > 0 { <span class="count-bad">{ format!("✗ {} failed", p.failed) }</span> }
            </p>
            if !p.batches.is_empty() {
                <ul class="batches" aria-label={capitalised(&plural(Term::Batch.word(v)))}>
                    { for p.batches.iter().map(|b| {
                        let n = partitions.iter().find(|(t, _)| *t == b.topic).map_or(0, |(_, n)| *n);
                        batch_view(b, v, *now_ms, n)
                    }) }
                </ul>
            }
            if !p.outcomes.is_empty() {
                <ul class={classes!("outcomes", playing.then_some("playing"))} key={step.to_string()} aria-label="Just now">
                    { for summarise(&p.outcomes).into_iter().map(|(o, n)| outcome_view(o, n, v)) }
                </ul>
            }
        </li>
    }
}

/// A count that changes at every frame of play, in a box as wide as its digits that contains
/// its layout: a new value lays out only that box, not the card and the page around it.
fn figure(n: impl std::fmt::Display) -> Html {
    let text = n.to_string();
    let style = format!("width:{}ch", text.chars().count());
    html! { <span class="figure" {style}>{ text }</span> }
}

fn batch_view(b: &QueuedBatch, v: Vocabulary, now: i64, partitions: i32) -> Html {
    let leaves = if b.retry {
        format!("retry at {}", duration(b.send_at_ms))
    } else if b.send_at_ms > now {
        format!("boards in {}", duration(b.send_at_ms - now))
    } else {
        "boarding now".to_string()
    };
    let keys: Vec<&str> = {
        let mut ks: Vec<&str> = b.records.iter().filter_map(|r| r.key.as_deref()).collect();
        ks.sort_unstable();
        ks.dedup();
        ks
    };
    html! {
        <li key={format!("{}-{}-{}", b.topic, b.partition, b.retry)} class={classes!("batch", b.retry.then_some("retry"))}>
            <div class="batch-head">
                <span>{ format!("→ {} {} of \"{}\"", bare(Term::Partition.word(v)), b.partition, b.topic) }</span>
                <span class="batch-when">{ leaves }</span>
            </div>
            <ol class="queue" aria-label={format!("{} waiting", count(b.records.len() as i128, Term::Record, v))}>
                { for b.records.iter().enumerate().map(|(i, r)| {
                    let title = format!("{}: {} · {}: {}",
                        capitalised(bare(Term::Key.word(v))), r.key.as_deref().unwrap_or("none"),
                        bare(Term::Value.word(v)), r.value.as_deref().unwrap_or("null"));
                    html! {
                        <li key={i} class={classes!("queued", key_classes(r.key.as_deref()))} title={title}>
                            <span class="passenger" aria-hidden="true"></span>
                            <span class="queued-key">{ r.key.clone().unwrap_or_else(|| "·".into()) }</span>
                        </li>
                    }
                }) }
            </ol>
            if !keys.is_empty() && partitions > 0 {
                <details class="why">
                    <summary>{ format!("Why {} {}?", bare(Term::Partition.word(v)), b.partition) }</summary>
                    <ul>
                        { for keys.iter().filter_map(|k| teams::key_route(k, partitions).map(|r| (k, r))).map(|(k, r)| html! {
                            <li>
                                <code>{ format!("murmur2(\"{k}\") = {}", r.murmur2) }</code>{ " → " }
                                <code>{ format!("toPositive = {}", r.positive) }</code>{ " → " }
                                <code>{ format!("{} % {} = {}", r.positive, r.partitions, r.partition) }</code>
                            </li>
                        }) }
                    </ul>
                    <p>{ format!("The same {} always lands in the same {} while the number of {} stays the same.",
                        bare(Term::Key.word(v)), bare(Term::Partition.word(v)), plural(Term::Partition.word(v))) }</p>
                </details>
            } else if keys.is_empty() {
                <p class="why-keyless">{ format!("No {}: the sticky partitioner keeps filling one {} until the batch is full.", bare(Term::Key.word(v)), bare(Term::Partition.word(v))) }</p>
            }
        </li>
    }
}

/// One entry per kind of outcome: the latest of that kind and how many there were (a fast
/// play step can hold hundreds).
fn summarise(outcomes: &[Outcome]) -> Vec<(&Outcome, usize)> {
    let kind = |o: &Outcome| match o {
        Outcome::Sent { .. } => 0,
        Outcome::Acknowledged { .. } => 1,
        Outcome::Retrying { .. } => 2,
        Outcome::DuplicateRejected { .. } => 3,
        Outcome::Failed { .. } => 4,
    };
    let mut out: Vec<(&Outcome, usize)> = Vec::new();
    for o in outcomes {
        match out.iter_mut().find(|(seen, _)| kind(seen) == kind(o)) {
            Some(entry) => *entry = (o, entry.1 + 1),
            None => out.push((o, 1)),
        }
    }
    out
}

fn outcome_view(o: &Outcome, n: usize, v: Vocabulary) -> Html {
    let place = |p: &i32| format!("{} {p}", bare(Term::Partition.word(v)));
    let many = |what: &str| {
        if n > 1 {
            format!("{n} × {what}, latest: ")
        } else {
            String::new()
        }
    };
    let (class, icon, text) = match o {
        Outcome::Sent {
            partition,
            records,
            attempt,
            ..
        } => (
            "sent",
            "➜",
            format!(
                "{}{} boarded {}{}",
                many(bare(Term::Batch.word(v))),
                count(*records as i128, Term::Record, v),
                place(partition),
                if *attempt > 1 {
                    format!(" (attempt {attempt})")
                } else {
                    String::new()
                }
            ),
        ),
        Outcome::Acknowledged {
            partition, offset, ..
        } => (
            "acked",
            "✓",
            format!(
                "{}acknowledged: {} {offset} in {}",
                many("acknowledged"),
                bare(Term::Offset.word(v)),
                place(partition)
            ),
        ),
        Outcome::Retrying {
            partition,
            error,
            retry_at_ms,
            ..
        } => (
            "retrying",
            "↻",
            format!(
                "{}{error}: retry {} at {}",
                many("retry"),
                place(partition),
                duration(*retry_at_ms)
            ),
        ),
        Outcome::DuplicateRejected {
            partition, offset, ..
        } => (
            "duplicate",
            "=",
            format!(
                "{}retry recognised: already at {} {offset} in {}, no second copy",
                many("duplicate"),
                bare(Term::Offset.word(v)),
                place(partition)
            ),
        ),
        Outcome::Failed {
            partition, error, ..
        } => (
            "failed",
            "✗",
            format!(
                "{}failed for good ({error}) in {}",
                many("failure"),
                place(partition)
            ),
        ),
    };
    html! {
        <li key={class} class={classes!("outcome", class)}>
            <span class="outcome-icon" aria-hidden="true">{ icon }</span>{ with_figures(&text) }
        </li>
    }
}

/// `text` with each run of digits in a [`figure`] box: the same words, and a sentence whose
/// numbers alone changed lays out only their boxes.
fn with_figures(text: &str) -> Html {
    digit_runs(text)
        .into_iter()
        .map(|(digits, run)| {
            if digits {
                figure(run)
            } else {
                Html::from(run.to_string())
            }
        })
        .collect()
}

/// `text` cut into runs of ASCII digits and runs of anything else: (digits?, run).
fn digit_runs(text: &str) -> Vec<(bool, &str)> {
    let mut runs = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.starts_with(|c: char| c.is_ascii_digit());
        let end = rest
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        runs.push((digits, run));
        rest = tail;
    }
    runs
}

/// The passenger look of a key, as on the train: a colour and a shape (`hue-N shape-N`).
fn key_classes(key: Option<&str>) -> Classes {
    let look = crate::view::trains::key_look(key);
    match (look.hue, look.shape) {
        (Some(h), Some(s)) => classes!(format!("hue-{h}"), format!("shape-{s}")),
        _ => classes!("keyless"),
    }
}

#[cfg(test)]
mod tests {
    use super::digit_runs;

    #[test]
    fn a_sentence_is_cut_into_its_numbers_and_its_words() {
        assert_eq!(
            digit_runs("12 × acknowledged, latest: seat 1034 in partition 3"),
            vec![
                (true, "12"),
                (false, " × acknowledged, latest: seat "),
                (true, "1034"),
                (false, " in partition "),
                (true, "3"),
            ]
        );
        assert_eq!(digit_runs(""), vec![]);
        assert_eq!(digit_runs("none"), vec![(false, "none")]);
    }
}
