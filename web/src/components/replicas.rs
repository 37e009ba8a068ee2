//! A compartment's copies (replicas) on their brokers: the leader marked, each copy's log end
//! against the leader's, which copies keep up (the ISR), and brokers that are down.
//!
//! The copies stand in fixed columns in assignment order; the leader's crown is one element
//! that slides to the new leader's column when leadership moves, and a copy leaving the ISR
//! or losing its broker changes look with a transition.

use crate::view::trains::ReplicaView;
use crate::vocab::{capitalised, Term, Vocabulary};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub replicas: Vec<ReplicaView>,
    /// The latest step changed them (draw attention).
    pub changed: bool,
    pub vocabulary: Vocabulary,
    /// The compartment's name, for labels.
    pub label: String,
}

#[component]
pub fn Replicas(props: &Props) -> Html {
    let Props {
        replicas,
        changed,
        vocabulary: v,
        label,
    } = props;
    let v = *v;
    let leader_end = replicas
        .iter()
        .find(|r| r.leader)
        .map(|r| r.log_end)
        .or_else(|| replicas.iter().map(|r| r.log_end).max())
        .unwrap_or(0);
    let leader_column = replicas.iter().position(|r| r.leader);
    let isr: Vec<String> = replicas
        .iter()
        .filter(|r| r.in_isr)
        .map(|r| r.broker.to_string())
        .collect();
    html! {
        <div class={classes!("replicas", changed.then_some("replicas-changed"))}
             style={format!("--columns:{}", replicas.len().max(1))}>
            <p class="replicas-title">
                { format!("{}: ", capitalised(Term::Isr.word(v))) }
                <span class="isr-list" title={Term::Isr.explanation()}>
                    { if isr.is_empty() { "none".to_string() } else { format!("{{{}}}", isr.join(", ")) } }
                </span>
                if leader_column.is_none() {
                    <span class="offline" role="status">{ format!(" · no {}: {label} is offline", Term::Leader.word(v)) }</span>
                }
            </p>
            <ul class="replica-row" aria-label={format!("{}s of {label}", Term::Replica.word(v))}>
                if let Some(col) = leader_column {
                    <li key="crown" class="leader-crown" style={format!("--column:{col}")} aria-hidden="true"
                        title={Term::Leader.explanation()}>
                        { Term::Leader.word(v) }
                    </li>
                }
                { for replicas.iter().map(|r| {
                    let fill = if leader_end > 0 { (r.log_end as f64 / leader_end as f64).clamp(0.0, 1.0) } else { 1.0 };
                    let state = if !r.broker_alive {
                        format!("{} down", Term::Broker.word(v))
                    } else if r.leader {
                        Term::Leader.word(v).to_string()
                    } else if r.in_isr {
                        "in sync".to_string()
                    } else {
                        format!("behind by {}", r.behind)
                    };
                    let title = format!(
                        "{} {} · {}: {} · {}",
                        capitalised(Term::Broker.word(v)), r.broker, Term::LogEnd.word(v), r.log_end, state
                    );
                    html! {
                        <li key={r.broker} data-testid="replica" data-broker={r.broker.to_string()}
                            data-leader={r.leader.to_string()} data-in-isr={r.in_isr.to_string()}
                            class={classes!("replica", r.leader.then_some("leader"),
                                            if r.in_isr { "in-isr" } else { "out-of-sync" },
                                            (!r.broker_alive).then_some("broker-down"))}
                            title={title.clone()} aria-label={title}>
                            <span class="replica-broker">{ format!("{} {}", capitalised(Term::Broker.word(v)), r.broker) }</span>
                            <span class="replica-bar" aria-hidden="true"><span class="replica-fill" style={format!("--fill:{fill:.3}")}></span></span>
                            <span class="replica-end">{ format!("{} {}", Term::LogEnd.word(v), r.log_end) }</span>
                            <span class="replica-state">{ state }</span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
