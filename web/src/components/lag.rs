//! Lag (passengers still to check) per team and per compartment, with a small chart over
//! virtual time. The chart's history is a bounded ring per team (one sample per virtual
//! second, at most [`HISTORY`]), kept in the component: never unbounded.

use crate::components::sight::use_hidden;
use crate::state::Slow;
use crate::view::sentences::{bare, duration, plural};
use crate::view::teams::{self, Ring, TeamLag};
use crate::vocab::{capitalised, Term, Vocabulary};
use std::collections::BTreeMap;
use yew::prelude::*;

/// Samples kept per team (one per virtual second: two minutes).
pub const HISTORY: usize = 120;
const SAMPLE_MS: i64 = 1000;
const CHART_W: f64 = 160.0;
const CHART_H: f64 = 36.0;

#[derive(Default)]
struct History {
    step: u64,
    rings: BTreeMap<String, Ring>,
    /// What the panel drew last: drawn again as it is while play runs and the panel is out of
    /// sight (the samples are still taken).
    drawn: Option<Html>,
}

#[component]
pub fn Lag() -> Html {
    let history = use_mut_ref(History::default);
    let node = use_node_ref();
    let hidden = use_hidden(&node);
    let Some(state) = use_context::<Slow>().map(|s| s.0) else {
        return html! {};
    };
    let v = state.vocabulary;
    let sandbox = state.sandbox();
    let world = sandbox.world();
    let lags = teams::lags(world);
    let now = world.now_ms();
    let series: Vec<(TeamLag, Vec<(i64, i64)>)> = {
        let mut h = history.borrow_mut();
        if h.step != sandbox.step() || h.rings.is_empty() {
            h.step = sandbox.step();
            let at = now - now.rem_euclid(SAMPLE_MS);
            for l in &lags {
                h.rings
                    .entry(l.group.clone())
                    .or_insert_with(|| Ring::new(HISTORY))
                    .push(at, l.total);
            }
            h.rings.retain(|g, _| lags.iter().any(|l| &l.group == g));
        }
        if hidden && state.playing {
            if let Some(drawn) = &h.drawn {
                return drawn.clone();
            }
        }
        lags.into_iter()
            .map(|l| {
                let samples = h
                    .rings
                    .get(&l.group)
                    .map(|r| r.samples().collect())
                    .unwrap_or_default();
                (l, samples)
            })
            .collect()
    };
    let drawn = html! {
        <section class="panel lag" aria-labelledby="lag-title" ref={node}>
            <h2 id="lag-title" title={Term::Lag.explanation()}>{ capitalised(Term::Lag.word(v)) }</h2>
            if series.is_empty() {
                <p class="empty-hint">{ format!("No {} yet.", plural(Term::Group.word(v))) }</p>
            } else {
                { for series.into_iter().map(|(lag, samples)| { let key = lag.group.clone(); html! {
                    <TeamLagView key={key} lag={lag} samples={samples} vocabulary={v} />
                } }) }
            }
        </section>
    };
    history.borrow_mut().drawn = Some(drawn.clone());
    drawn
}

#[derive(Properties, PartialEq)]
struct LagProps {
    lag: TeamLag,
    samples: Vec<(i64, i64)>,
    vocabulary: Vocabulary,
}

#[component]
fn TeamLagView(props: &LagProps) -> Html {
    let LagProps {
        lag,
        samples,
        vocabulary: v,
    } = props;
    let v = *v;
    let path = teams::sparkline_path(samples, CHART_W, CHART_H);
    let peak = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let span = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) => b.0 - a.0,
        _ => 0,
    };
    let chart_label = format!(
        "{} of \"{}\" over the last {}: from {} to {} (highest {peak})",
        capitalised(Term::Lag.word(v)),
        lag.group,
        duration(span),
        samples.first().map_or(0, |s| s.1),
        lag.total
    );
    html! {
        <div class={classes!("team-lag", teams::team_class(lag.colour))} data-testid="lag" data-group={lag.group.clone()}>
            <div class="team-lag-head">
                <span class="team-badge small team-shape" aria-hidden="true">{ lag.letter }</span>
                <strong class="team-name">{ &lag.group }</strong>
                <span class="lag-total" data-testid="lag-total">{ lag.total }</span>
                <svg class="sparkline" viewBox={format!("-2 -2 {} {}", CHART_W + 4.0, CHART_H + 4.0)}
                     width={CHART_W.to_string()} height={CHART_H.to_string()} role="img" aria-label={chart_label}>
                    <line class="sparkline-base" x1="0" y1={CHART_H.to_string()} x2={CHART_W.to_string()} y2={CHART_H.to_string()} />
                    <path class="sparkline-line" d={path} />
                </svg>
            </div>
            if !lag.cells.is_empty() {
                <details class="lag-details" open={lag.cells.len() <= 4}>
                <summary>{ format!("Per {} ({})", bare(Term::Partition.word(v)), lag.cells.len()) }</summary>
                <table class="lag-table">
                    <thead>
                        <tr>
                            <th scope="col">{ capitalised(bare(Term::Partition.word(v))) }</th>
                            <th scope="col" title={Term::Committed.explanation()}>{ if v == Vocabulary::Train { "notebook" } else { "committed" } }</th>
                            <th scope="col" title={Term::LogEnd.explanation()}>{ if v == Vocabulary::Train { "next free" } else { "log end" } }</th>
                            <th scope="col" title={Term::Lag.explanation()}>{ if v == Vocabulary::Train { "to check" } else { "lag" } }</th>
                            <th scope="col">{ capitalised(bare(Term::Consumer.word(v))) }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for lag.cells.iter().map(|c| html! {
                            <tr key={format!("{}-{}", c.topic, c.partition)}>
                                <th scope="row">{ format!("{}/{}", c.topic, c.partition) }</th>
                                <td>{ c.committed.map_or_else(|| "–".to_string(), |x| x.to_string()) }</td>
                                <td>{ c.log_end }</td>
                                <td class={classes!("lag-cell", c.lag.filter(|l| *l > 0).map(|_| "behind"))}>
                                    { c.lag.map_or_else(|| "–".to_string(), |x| x.to_string()) }
                                </td>
                                <td>{ c.owner.clone().unwrap_or_else(|| "–".into()) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </details>
            }
        </div>
    }
}
