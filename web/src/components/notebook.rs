//! The notebook (`__consumer_offsets`): a compacted log of its own. Each page is one of its
//! partitions, kept by the broker that coordinates the teams writing there; each line is a
//! commit record (team, compartment → the next seat to check). A line a newer one for the
//! same key supersedes is struck through (compaction will remove it); lines compaction
//! already removed leave a gap in the line numbers.

use crate::components::sight::use_slow_in_sight;
use crate::state::Slow;
use crate::view::sentences::{bare, plural};
use crate::view::teams::{self, NotebookEntry, NotebookPage};
use crate::vocab::{capitalised, Term, Vocabulary};
use yew::prelude::*;

/// The notebook panel: drawn from the slow state, and not drawn again while play runs and it
/// is out of sight (at top speed every page turns over between two drawings: hundreds of new
/// lines).
#[component]
pub fn Notebook() -> Html {
    let node = use_node_ref();
    let Some(slow) = use_slow_in_sight(&node) else {
        return html! {};
    };
    html! { <NotebookPanel {slow} {node} /> }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    slow: Slow,
    node: NodeRef,
}

#[component]
fn NotebookPanel(props: &PanelProps) -> Html {
    let state = props.slow.0.clone();
    let v = state.vocabulary;
    let sandbox = state.sandbox();
    let world = sandbox.world();
    let pages = teams::notebook(world, sandbox.latest());
    let mut groups: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.entries.iter())
        .filter_map(|e| match e {
            NotebookEntry::Line { group, .. } => Some(group.as_str()),
            _ => None,
        })
        .chain(
            pages
                .iter()
                .flat_map(|p| p.groups.iter().map(String::as_str)),
        )
        .collect();
    groups.sort_unstable();
    groups.dedup();
    let colours: Vec<(String, usize)> = groups
        .into_iter()
        .map(|g| (g.to_string(), teams::team_colour_index(world, g)))
        .collect();
    html! {
        <section class="panel notebook" aria-labelledby="notebook-title" ref={props.node.clone()}>
            <h2 id="notebook-title" title={Term::OffsetsTopic.explanation()}>{ capitalised(Term::OffsetsTopic.word(v)) }</h2>
            <p class="panel-intro">
                { if v == Vocabulary::Train {
                    format!("Each {} writes one line per {} it commits, on the page its {} keeps. Only the newest line per {} counts ({}).",
                        bare(Term::Group.word(v)), bare(Term::Partition.word(v)), Term::Coordinator.word(v),
                        bare(Term::Partition.word(v)), Term::Compaction.word(v))
                } else {
                    "Each consumer group commits into the __consumer_offsets partition its group coordinator leads: one record per partition and commit, keyed by (group, topic, partition). Compaction keeps only the newest record per key.".to_string()
                } }
            </p>
            if pages.is_empty() {
                <p class="empty-hint">{ format!("Nothing written yet: a {} writes its first line when it commits.", bare(Term::Consumer.word(v))) }</p>
            } else {
                <div class="notebook-pages">
                    { for pages.into_iter().map(|page| { let key = page.partition; html! {
                        <NotebookPageView key={key} page={page} vocabulary={v} colours={colours.clone()} />
                    } }) }
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    page: NotebookPage,
    vocabulary: Vocabulary,
    colours: Vec<(String, usize)>,
}

#[component]
fn NotebookPageView(props: &PageProps) -> Html {
    let PageProps {
        page,
        vocabulary: v,
        colours,
    } = props;
    let v = *v;
    let colour_of = |g: &str| {
        colours
            .iter()
            .find(|(name, _)| name == g)
            .map(|(_, c)| teams::team_class(*c))
    };
    html! {
        <article class="notebook-page" data-testid="notebook-page" data-page={page.partition.to_string()}>
            <h3>
                { format!("{} {}", capitalised(bare(Term::Partition.word(v))), page.partition) }
                <span class="page-keeper">
                    { match page.keeper {
                        Some(b) => format!(" · {} {} {b}", Term::Coordinator.word(v), bare(Term::Broker.word(v))),
                        None => format!(" · no {}", Term::Coordinator.word(v)),
                    } }
                </span>
            </h3>
            if !page.groups.is_empty() {
                <p class="page-teams">
                    { format!("{}: ", capitalised(&plural(Term::Group.word(v)))) }
                    { for page.groups.iter().map(|g| html! {
                        <span class={classes!("team-pill", colour_of(g))}>{ g }</span>
                    }) }
                </p>
            }
            <ol class="nb-lines">
                if page.earlier > 0 {
                    <li key="earlier" class="notebook-earlier">{ format!("… {} older lines", page.earlier) }</li>
                }
                { for page.entries.iter().map(|e| entry_view(e, v, &colour_of)) }
                if page.entries.is_empty() {
                    <li key="empty" class="notebook-earlier">{ if v == Vocabulary::Train { "No lines on this page yet." } else { "No records in this partition yet." } }</li>
                }
            </ol>
        </article>
    }
}

fn entry_view(
    e: &NotebookEntry,
    v: Vocabulary,
    colour_of: &dyn Fn(&str) -> Option<String>,
) -> Html {
    match e {
        NotebookEntry::Line {
            offset,
            group,
            topic,
            partition,
            committed,
            superseded,
            pending,
            fresh,
        } => {
            let what = match committed {
                Some(c) => format!("→ {c}"),
                None => "deleted (tombstone)".to_string(),
            };
            let title =
                format!(
                "{} {offset} of this page: {} \"{group}\", {} \"{topic}\" {} {partition}, {}{}{}",
                capitalised(bare(Term::Offset.word(v))),
                bare(Term::Group.word(v)),
                bare(Term::Topic.word(v)),
                bare(Term::Partition.word(v)),
                match committed {
                    Some(c) => format!("next {} to read {c}", bare(Term::Offset.word(v))),
                    None => "offset deleted".to_string(),
                },
                if *superseded { " — superseded by a newer line" } else { "" },
                if *pending { " — not copied to every replica yet" } else { "" },
            );
            html! {
                <li key={format!("l{offset}")}
                    class={classes!("nb-line", superseded.then_some("superseded"), pending.then_some("pending"), fresh.then_some("fresh"), committed.is_none().then_some("nb-tombstone"))}
                    data-testid="notebook-line" data-group={group.clone()} data-topic={topic.clone()}
                    data-partition={partition.to_string()} data-offset={committed.map(|c| c.to_string()).unwrap_or_default()}
                    data-log-offset={offset.to_string()}
                    data-superseded={superseded.then_some("true")}
                    title={title}>
                    <span class="line-number">{ offset }</span>
                    <span class={classes!("team-pill", colour_of(group))}>{ group }</span>
                    <span class="line-key">{ format!("{topic}/{partition}") }</span>
                    <span class="line-value">{ what }</span>
                    if *superseded { <span class="visually-hidden">{ " (superseded)" }</span> }
                    if *pending { <span class="line-pending">{ "copying…" }</span> }
                </li>
            }
        }
        NotebookEntry::Compacted { from, to } => html! {
            <li key={format!("c{from}")} class="notebook-gap">
                { format!("{} {from}–{}: removed ({})", plural(Term::Offset.word(v)), to - 1, Term::Compaction.word(v)) }
            </li>
        },
        NotebookEntry::Other { offset } => html! {
            <li key={format!("o{offset}")} class="nb-line other">
                <span class="line-number">{ offset }</span>
                <span class="line-value">{ "group metadata" }</span>
            </li>
        },
    }
}
