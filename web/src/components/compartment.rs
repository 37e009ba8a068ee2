//! One compartment (partition): its seats (offsets) with their passengers (records), and the
//! markers for log start, high watermark and log end.

use crate::view::{key_colour_class, CompartmentView};
use crate::vocab::{capitalised, Term, Vocabulary};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: CompartmentView,
    pub vocabulary: Vocabulary,
    /// The seat just taken, animated as boarding.
    pub newest_offset: Option<i64>,
}

#[component]
pub fn Compartment(props: &Props) -> Html {
    let Props {
        view,
        vocabulary: v,
        newest_offset,
    } = props;
    let v = *v;
    let seats = view.seats.iter().map(|seat| {
        let mut class = classes!("seat", "taken", key_colour_class(seat.key.as_deref()));
        if Some(seat.offset) == *newest_offset {
            class.push("boarding");
        }
        if seat.offset >= view.high_watermark {
            class.push("above-hw");
        }
        let title = format!(
            "{} {} · {}: {} · {}: {}",
            capitalised(Term::Offset.word(v)),
            seat.offset,
            Term::Key.word(v),
            seat.key.as_deref().unwrap_or("none"),
            Term::Value.word(v),
            seat.value.as_deref().unwrap_or("null"),
        );
        html! {
            <li key={seat.offset} class={class} data-offset={seat.offset.to_string()} title={title}>
                <span class="seat-number">{ seat.offset }</span>
                <span class="passenger" aria-hidden="true"></span>
                <span class="seat-key">{ seat.key.clone().unwrap_or_else(|| "·".into()) }</span>
            </li>
        }
    });
    html! {
        <li class="compartment" data-partition={view.partition.to_string()}>
            <div class="compartment-head">
                <h3>{ format!("{} {}", capitalised(Term::Partition.word(v)), view.partition) }</h3>
                <dl class="markers">
                    <div title={Term::LogStart.explanation()}><dt>{ Term::LogStart.word(v) }</dt><dd data-testid="log-start">{ view.log_start }</dd></div>
                    <div title={Term::HighWatermark.explanation()}><dt>{ Term::HighWatermark.word(v) }</dt><dd data-testid="high-watermark">{ view.high_watermark }</dd></div>
                    <div title={Term::LogEnd.explanation()}><dt>{ Term::LogEnd.word(v) }</dt><dd data-testid="log-end">{ view.log_end }</dd></div>
                </dl>
            </div>
            <ol class="seats" aria-label={format!("{} {}", Term::Partition.word(v), view.partition)}>
                if view.earlier > 0 {
                    <li key="earlier" class="seat earlier" data-testid="earlier-seats"
                        title={format!("{} earlier {} still on board", view.earlier, Term::Record.word(v))}>
                        <span class="seat-number">{ "…" }</span>
                        <span class="seat-key">{ format!("+{}", view.earlier) }</span>
                    </li>
                }
                { for seats }
                <li key="next" class="seat next-free" data-testid="next-free" title={Term::LogEnd.explanation()}>
                    <span class="seat-number">{ view.log_end }</span>
                    <span class="seat-key">{ "free" }</span>
                </li>
            </ol>
        </li>
    }
}
