//! The teams of ticket checkers (consumer groups): one card per team in the team's colour,
//! with its state, shift (generation), assignor, notebook keeper (coordinator), each checker
//! with the compartments it holds (where it stands, the notebook's line), idle and fainted
//! checkers, and how the team did (checked twice, never checked). Compartments handed over
//! in the latest step slide in or fade out, so an eager reshuffle (everything handed back)
//! and a cooperative one (only what moves) look different.

use crate::components::event_log::now_real_ms;
use crate::components::sight::use_hidden;
use crate::state::Slow;
use crate::view::sentences::{bare, duration, plural};
use crate::view::teams::{self, Checker, CheckerState, Held, TeamCard};
use crate::vocab::{capitalised, Term, Vocabulary};
use std::collections::BTreeMap;
use yew::prelude::*;

/// What the component remembers between renders: when each checker fainted (virtual ms).
#[derive(Default)]
struct Memory {
    step: u64,
    fainted_at: BTreeMap<String, i64>,
    /// The delivery ledger's totals per team, the step and when (real ms) they were counted:
    /// they walk the whole ledger, so during play they are refreshed once a second, not every
    /// tick.
    delivery: BTreeMap<String, sim::consumer::DeliveryTotals>,
    delivery_step: u64,
    delivery_at: Option<f64>,
    /// What the panel drew last: drawn again as it is while play runs and the panel is out of
    /// sight.
    drawn: Option<Html>,
}

/// How often play refreshes the delivery totals (real milliseconds).
const DELIVERY_EVERY_MS: f64 = 1000.0;

#[component]
pub fn Teams() -> Html {
    let memory = use_mut_ref(Memory::default);
    let node = use_node_ref();
    let hidden = use_hidden(&node);
    let Some(state) = use_context::<Slow>().map(|s| s.0) else {
        return html! {};
    };
    let v = state.vocabulary;
    let sandbox = state.sandbox();
    let world = sandbox.world();
    let latest = sandbox.latest();
    let now = world.now_ms();
    // Who fainted or came back in this step: noted whether the panel is in sight or not.
    {
        let mut m = memory.borrow_mut();
        if m.step != sandbox.step() {
            m.step = sandbox.step();
            for name in teams::fainted_now(latest) {
                m.fainted_at.insert(name, now);
            }
            for name in teams::recovered_now(latest) {
                m.fainted_at.remove(&name);
            }
        }
        if hidden && state.playing {
            if let Some(drawn) = &m.drawn {
                return drawn.clone();
            }
        }
    }
    let cards = {
        let mut m = memory.borrow_mut();
        let real = now_real_ms();
        let stale = match m.delivery_at {
            None => true,
            Some(at) => !state.playing || real - at >= DELIVERY_EVERY_MS,
        };
        if stale && m.delivery_step != sandbox.step() || m.delivery_at.is_none() {
            m.delivery = teams::delivery_totals(world);
            m.delivery_step = sandbox.step();
            m.delivery_at = Some(real);
        }
        teams::team_cards(world, latest, &m.delivery)
    };
    let countdowns: BTreeMap<String, i64> = {
        let mut m = memory.borrow_mut();
        let mut out = BTreeMap::new();
        for card in &cards {
            for c in &card.checkers {
                if c.still_member_holding.is_some() {
                    if let Some(at) = m.fainted_at.get(&c.name) {
                        out.insert(c.name.clone(), (at + c.session_timeout_ms - now).max(0));
                    }
                }
            }
        }
        // Forget checkers that are no longer fainted members.
        m.fainted_at.retain(|name, _| {
            cards.iter().any(|card| {
                card.checkers
                    .iter()
                    .any(|c| &c.name == name && c.state == CheckerState::Fainted)
            })
        });
        out
    };
    let title = capitalised(&plural(Term::Group.word(v)));
    let drawn = html! {
        <section class="panel teams" aria-labelledby="teams-title" ref={node}>
            <h2 id="teams-title" title={Term::Group.explanation()}>{ title }</h2>
            if cards.is_empty() {
                <p class="empty-hint">
                    { format!("No {} yet. In the console: ", plural(Term::Group.word(v))) }
                    <code>{ "consumer c1 group.id=billing" }</code>{ ", " }
                    <code>{ "subscribe c1 orders" }</code>{ ", " }
                    <code>{ "poll c1" }</code>
                </p>
            } else {
                <ul class="team-list">
                    { for cards.into_iter().map(|card| {
                        let remaining: Vec<(String, i64)> = card
                            .checkers
                            .iter()
                            .filter_map(|c| countdowns.get(&c.name).map(|r| (c.name.clone(), *r)))
                            .collect();
                        let key = card.group.clone();
                        html! {
                            <TeamCardView key={key} card={card} vocabulary={v} remaining={remaining} />
                        }
                    }) }
                </ul>
            }
        </section>
    };
    memory.borrow_mut().drawn = Some(drawn.clone());
    drawn
}

#[derive(Properties, PartialEq)]
struct CardProps {
    card: TeamCard,
    vocabulary: Vocabulary,
    /// Fainted checkers the team still counts: virtual ms until the session timeout.
    remaining: Vec<(String, i64)>,
}

#[component]
fn TeamCardView(props: &CardProps) -> Html {
    let CardProps {
        card,
        vocabulary: v,
        remaining,
    } = props;
    let v = *v;
    let state_class = format!("group-state state-{}", card.state.to_lowercase());
    let protocol = match card.eager {
        Some(true) => "eager",
        Some(false) => "cooperative",
        None => "",
    };
    let heading_id = format!("team-{}", sanitize(&card.group));
    html! {
        <li class={classes!("team-card", teams::team_class(card.colour), card.rebalancing.then_some("rebalancing"))}
            data-testid="team" data-group={card.group.clone()} aria-labelledby={heading_id.clone()}>
            <header class="team-head">
                <span class="team-badge team-shape" aria-hidden="true">{ card.letter }</span>
                <h3 id={heading_id}>
                    <span class="team-term">{ capitalised(Term::Group.word(v)) }</span>
                    <span class="team-name">{ &card.group }</span>
                </h3>
                <span class={state_class} data-testid="group-state">{ &card.state }</span>
            </header>
            <dl class="team-facts">
                <div title={Term::Generation.explanation()}>
                    <dt>{ capitalised(bare(Term::Generation.word(v))) }</dt>
                    <dd>{ card.generation }</dd>
                </div>
                <div title="partition.assignment.strategy: who splits the compartments, and how a reshuffle hands them over">
                    <dt>{ "Assignor" }</dt>
                    <dd>{ card.protocol.clone().unwrap_or_else(|| "—".into()) }
                        if !protocol.is_empty() { <span class="protocol">{ format!(" ({protocol})") }</span> }
                    </dd>
                </div>
                <div title={Term::Coordinator.explanation()}>
                    <dt>{ capitalised(Term::Coordinator.word(v)) }</dt>
                    <dd>
                        { card.coordinator.map_or_else(|| "none".to_string(), |b| format!("{} {b}", bare(Term::Broker.word(v)))) }
                        <span class="coordinator-page">{ format!(" · {} {} of {}", bare(Term::Partition.word(v)), card.coordinator_partition, Term::OffsetsTopic.word(v)) }</span>
                    </dd>
                </div>
            </dl>
            if card.rebalancing || card.moves_this_step > 0 {
                <p class={classes!("rebalance-note", if card.eager == Some(false) { "cooperative" } else { "eager" })} role="note">
                    { rebalance_note(card, v) }
                </p>
            }
            <ul class="tc-checkers" aria-label={capitalised(&plural(Term::Consumer.word(v)))}>
                { for card.checkers.iter().map(|c| {
                    let left = remaining.iter().find(|(n, _)| *n == c.name).map(|(_, r)| *r);
                    html! { <CheckerView key={c.name.clone()} checker={c.clone()} vocabulary={v} remaining={left} crowded={card.more_checkers_than_partitions} rebalancing={card.rebalancing} /> }
                }) }
                if card.checkers.is_empty() {
                    <li class="tc-checker-none">{ format!("No {} in this team now: only its lines in the notebook remain.", plural(Term::Consumer.word(v))) }</li>
                }
            </ul>
            <p class="delivery" data-testid="delivery">
                <span class="delivery-item" title={Term::Process.explanation()}>
                    <strong>{ card.processed }</strong>{ format!(" {}", if v == Vocabulary::Train { "checked" } else { "processed" }) }
                </span>
                <span class={classes!("delivery-item", "duplicates", (card.duplicates > 0).then_some("warn"))} title={Term::Duplicate.explanation()} data-testid="duplicates">
                    <span class="delivery-icon" aria-hidden="true">{ "×2" }</span>
                    <strong>{ card.duplicates }</strong>{ format!(" {}", bare(Term::Duplicate.word(v))) }
                </span>
                <span class={classes!("delivery-item", "skips", (card.skipped > 0).then_some("warn"))} title={Term::Skipped.explanation()} data-testid="skipped">
                    <span class="delivery-icon" aria-hidden="true">{ "∅" }</span>
                    <strong>{ card.skipped }</strong>{ format!(" {}", bare(Term::Skipped.word(v))) }
                </span>
            </p>
        </li>
    }
}

fn rebalance_note(card: &TeamCard, v: Vocabulary) -> String {
    let rebalance = bare(Term::Rebalance.word(v));
    match card.eager {
        Some(false) => {
            format!(
            "Cooperative {}: only the {} that move are handed back; every other {} keeps checking.",
            if v == Vocabulary::Train { "reshuffle" } else { "rebalance" },
            plural(Term::Partition.word(v)),
            bare(Term::Consumer.word(v)),
        )
        }
        _ => format!(
            "Eager {}: every {} hands back all its {}, then the team is given new ones.",
            if v == Vocabulary::Train {
                "reshuffle"
            } else {
                rebalance
            },
            bare(Term::Consumer.word(v)),
            plural(Term::Partition.word(v)),
        ),
    }
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[derive(Properties, PartialEq)]
struct CheckerProps {
    checker: Checker,
    vocabulary: Vocabulary,
    remaining: Option<i64>,
    /// More checkers than compartments in the team.
    crowded: bool,
    /// The team is reshuffling now (its card says how already).
    rebalancing: bool,
}

#[component]
fn CheckerView(props: &CheckerProps) -> Html {
    let CheckerProps {
        checker: c,
        vocabulary: v,
        remaining,
        crowded,
        rebalancing,
    } = props;
    let v = *v;
    let label = match (c.state, v) {
        (CheckerState::Active, Vocabulary::Train) => "checking",
        (CheckerState::Active, Vocabulary::Kafka) => "active",
        (CheckerState::Idle, Vocabulary::Train) => "idle: stands aside",
        (CheckerState::Idle, Vocabulary::Kafka) => "idle (no partitions)",
        (CheckerState::Joining, Vocabulary::Train) => "waiting for the reshuffle",
        (CheckerState::Joining, Vocabulary::Kafka) => "joining",
        (CheckerState::Fainted, Vocabulary::Train) => "fainted",
        (CheckerState::Fainted, Vocabulary::Kafka) => "crashed",
        (CheckerState::Closed, _) => "closed",
    };
    let state = c.state.as_str();
    html! {
        <li class={classes!("tc-checker", format!("state-{state}"))} data-testid="checker" data-consumer={c.name.clone()} data-state={state}>
            <span class="tc-checker-figure" aria-hidden="true"><span class="tc-checker-cap"></span></span>
            <div class="tc-checker-body">
                <div class="tc-checker-line">
                    <strong class="tc-checker-name">{ &c.name }</strong>
                    <span class="tc-checker-state" title={(c.state == CheckerState::Idle).then(|| Term::Idle.explanation())}>{ label }</span>
                    if c.leader {
                        <span class="tc-checker-tag" title="The group leader runs the assignor for the team">{ "leader" }</span>
                    }
                    if c.incarnation > 0 {
                        <span class="tc-checker-tag" title="How many times it restarted">{ format!("restart {}", c.incarnation) }</span>
                    }
                    if let Some((policy, step)) = &c.app {
                        <span class="tc-checker-tag tc-app" title="It runs its poll loop on its own">{ format!("runs on its own: {policy} · {step}") }</span>
                    }
                    if c.unprocessed + c.processing > 0 {
                        <span class="tc-checker-tag" title="Polled, not yet processed">{ format!("{} in hand", c.unprocessed + c.processing) }</span>
                    }
                </div>
                if !c.held.is_empty() || !c.leaving.is_empty() {
                    <ul class="held" aria-label="Holds">
                        { for c.held.iter().map(|h| held_chip(h, v)) }
                        { for c.leaving.iter().map(|tp| html! {
                            <li key={format!("leaving-{}-{}", tp.topic, tp.partition)} class="held-chip leaving">
                                <span class="held-name">{ format!("{} {}", capitalised(bare(Term::Partition.word(v))), tp.partition) }</span>
                                <span class="held-detail">{ "handed back" }</span>
                            </li>
                        }) }
                    </ul>
                }
                { checker_hint(c, v, *remaining, *crowded, *rebalancing) }
            </div>
        </li>
    }
}

fn held_chip(h: &Held, v: Vocabulary) -> Html {
    let position = h
        .position
        .map_or_else(|| "?".to_string(), |p| p.to_string());
    let committed = h
        .committed
        .map_or_else(|| "none".to_string(), |p| p.to_string());
    html! {
        <li key={format!("{}-{}", h.topic, h.partition)} class={classes!("held-chip", h.arriving.then_some("arriving"))}
            title={format!("{} \"{}\"", capitalised(Term::Topic.word(v)), h.topic)}>
            <span class="held-name">{ format!("{} {}", capitalised(bare(Term::Partition.word(v))), h.partition) }</span>
            <span class="held-detail" title={Term::Position.explanation()}>
                { format!("{} {position}", if v == Vocabulary::Train { "at seat" } else { "position" }) }
            </span>
            <span class="held-detail" title={Term::Committed.explanation()}>
                { format!("{} {committed}", if v == Vocabulary::Train { "notebook" } else { "committed" }) }
            </span>
        </li>
    }
}

fn checker_hint(
    c: &Checker,
    v: Vocabulary,
    remaining: Option<i64>,
    crowded: bool,
    rebalancing: bool,
) -> Html {
    match c.state {
        CheckerState::Idle if crowded => html! {
            <p class="tc-checker-hint">{ format!("More {} than {}: this one stands aside as idle until someone leaves.", plural(Term::Consumer.word(v)), plural(Term::Partition.word(v))) }</p>
        },
        CheckerState::Idle => {
            let text =
                if c.eager {
                    format!(
                        "The assignor gave it no {} in this {}.",
                        bare(Term::Partition.word(v)),
                        bare(Term::Generation.word(v))
                    )
                } else {
                    format!(
                    "No {} in this {} yet: a cooperative {} hands moved {} over in a second round.",
                    bare(Term::Partition.word(v)),
                    bare(Term::Generation.word(v)),
                    if v == Vocabulary::Train { "reshuffle" } else { "rebalance" },
                    plural(Term::Partition.word(v))
                )
                };
            html! { <p class="tc-checker-hint">{ text }</p> }
        }
        CheckerState::Fainted => {
            let holding = c.still_member_holding.as_ref();
            let walk = format!(
                "{} walks back to the {}.",
                capitalised(if v == Vocabulary::Train {
                    "waking up"
                } else {
                    "restarting"
                }),
                Term::Committed.word(v)
            );
            match holding {
                Some(held) => {
                    let timeout = duration(c.session_timeout_ms);
                    let team = if v == Vocabulary::Train {
                        "team"
                    } else {
                        "group"
                    };
                    let reshuffles = if v == Vocabulary::Train {
                        "reshuffles"
                    } else {
                        "rebalances"
                    };
                    let when = match remaining {
                        Some(r) if r > 0 => format!(
                            "The {team} still counts it: it {reshuffles} in about {} (session.timeout.ms {timeout} without a heartbeat).",
                            duration(r)
                        ),
                        Some(_) => format!("The {team} {reshuffles} any moment now (session.timeout.ms {timeout})."),
                        None => format!(
                            "The {team} still counts it until session.timeout.ms ({timeout}) passes without a heartbeat; then it {reshuffles}."
                        ),
                    };
                    let what = match held.as_slice() {
                        [] => String::new(),
                        [one] => format!(
                            " Its {} {} waits unchecked.",
                            bare(Term::Partition.word(v)),
                            one.partition
                        ),
                        many => {
                            let ps: Vec<String> =
                                many.iter().map(|tp| tp.partition.to_string()).collect();
                            format!(
                                " Its {} {} wait unchecked.",
                                plural(Term::Partition.word(v)),
                                ps.join(", ")
                            )
                        }
                    };
                    html! {
                        <p class="tc-checker-hint fainted-hint" data-testid="session-countdown">
                            { format!("{when}{what} {walk}") }
                        </p>
                    }
                }
                None => html! {
                    <p class="tc-checker-hint fainted-hint">{ format!("The {} has moved on without it. {walk}", if v == Vocabulary::Train { "team" } else { "group" }) }</p>
                },
            }
        }
        CheckerState::Joining if !rebalancing => html! {
            <p class="tc-checker-hint">{ format!("{}; the {} then shares the {} out.",
                if v == Vocabulary::Train { "Joins when it next collects tickets" } else { "Joins at its next poll" },
                if v == Vocabulary::Train { "team" } else { "group" },
                plural(Term::Partition.word(v))) }</p>
        },
        CheckerState::Joining | CheckerState::Active | CheckerState::Closed => html! {},
    }
}
