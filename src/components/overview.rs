//! The overview above the table: alerts over time (inline SVG bars) and the top actors, source IPs
//! and buckets of the alerts shown, and with GeoIP databases their top countries and networks;
//! clicking a top actor filters on it.

use super::{Shared, count};
use crate::stats::{self, Timeline};
use crate::view::{Row, alert_indices};
use std::rc::Rc;
use trailhound_engine::TextAlert;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub alerts: Shared<Vec<Rc<TextAlert>>>,
    pub rows: Shared<Vec<Row>>,
    pub on_actor: Callback<Option<String>>,
}

struct Numbers {
    timeline: Option<Timeline>,
    actors: Vec<(String, usize)>,
    ips: Vec<(String, usize)>,
    buckets: Vec<(String, usize)>,
    /// With GeoIP databases: the top countries and networks (AS).
    countries: Vec<(String, usize)>,
    networks: Vec<(String, usize)>,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;

/// The alerts and rows the overview is drawn for.
type Drawn = (Shared<Vec<Rc<TextAlert>>>, Shared<Vec<Row>>);

#[component]
pub fn Overview(props: &Props) -> Html {
    // Changes are drawn a task after the rest of the page: the first alerts of a scan bring the
    // table's rows and the overview's charts at once, and together they made the longest
    // UI-thread block of a scan. With each in its own task, the page stays responsive between
    // them. A new overview (back on the alerts tab) is drawn at once.
    let drawn = use_state(|| (props.alerts.clone(), props.rows.clone()));
    {
        let drawn = drawn.clone();
        use_effect_with((props.alerts.clone(), props.rows.clone()), move |now: &Drawn| {
            let now = now.clone();
            let later = gloo_timers::callback::Timeout::new(0, move || drawn.set(now));
            move || drop(later)
        });
    }
    let numbers = use_memo((*drawn).clone(), |(alerts, rows)| {
        let shown: Vec<&TextAlert> = alert_indices(rows).into_iter().filter_map(|i| alerts.get(i).map(|a| a.as_ref())).collect();
        Numbers {
            timeline: stats::timeline(&shown, 48),
            actors: stats::top(shown.iter().filter_map(|a| a.event.actor()), 5),
            ips: stats::top(shown.iter().filter_map(|a| a.event.source_ip.as_deref().or(a.event.source_address.as_deref())), 5),
            buckets: stats::top(shown.iter().filter_map(|a| a.event.bucket.as_deref()), 5),
            countries: stats::top(shown.iter().filter_map(|a| a.event.country.as_deref()), 5),
            networks: stats::top_owned(shown.iter().filter_map(|a| a.event.network()), 5),
        }
    });
    html! {
        <section class="overview" data-testid="overview">
            <figure class="card chart">
                <figcaption>{ "Alerts over time (UTC)" }</figcaption>
                { timeline_svg(numbers.timeline.as_ref(), "alerts") }
            </figure>
            { top_list("Top actors", &numbers.actors, Some(props.on_actor.clone())) }
            { top_list("Top source IPs", &numbers.ips, None) }
            { top_list("Top buckets", &numbers.buckets, None) }
            if !numbers.countries.is_empty() {
                { top_list("Top countries", &numbers.countries, None) }
            }
            if !numbers.networks.is_empty() {
                { top_list("Top networks (AS)", &numbers.networks, None) }
            }
        </section>
    }
}

/// `word` with its first letter capital.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Bars over time (inline SVG: the page's content security policy allows no inline styles);
/// `what` names what is counted ("alerts", "events").
pub fn timeline_svg(timeline: Option<&Timeline>, what: &str) -> Html {
    let Some(t) = timeline else {
        return html! { <p class="muted chart-empty">{ format!("No {what} to chart.") }</p> };
    };
    let max = t.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let n = t.counts.len().max(1) as f64;
    let slot = WIDTH / n;
    let bar = (slot * 0.8).max(1.0);
    let bars = t.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| {
        let h = (*c as f64 / max) * (HEIGHT - 4.0);
        let from = stats::format_epoch(t.start + i as i64 * t.width);
        html! {
            <rect class="bar" x={format!("{:.1}", i as f64 * slot + (slot - bar) / 2.0)} y={format!("{:.1}", HEIGHT - h)}
                width={format!("{bar:.1}")} height={format!("{h:.1}")}>
                <title>{ format!("{from}: {c} {what}") }</title>
            </rect>
        }
    });
    let end = t.start + t.counts.len() as i64 * t.width;
    html! {
        <>
            <svg class="timeline" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none" role="img"
                aria-label={format!("{} over time, {} per bar", capitalized(what), width_label(t.width))}>
                <line class="axis" x1="0" y1={HEIGHT.to_string()} x2={WIDTH.to_string()} y2={HEIGHT.to_string()} />
                { for bars }
            </svg>
            <div class="axis-labels">
                <span>{ stats::format_epoch(t.start) }</span>
                <span class="muted">{ format!("{} per bar · peak {}", width_label(t.width), max as usize) }</span>
                <span>{ stats::format_epoch(end) }</span>
            </div>
        </>
    }
}

fn width_label(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} day{}", s / 86_400, if s == 86_400 { "" } else { "s" }),
        s if s % 3600 == 0 => format!("{} hour{}", s / 3600, if s == 3600 { "" } else { "s" }),
        s => format!("{} min", s / 60),
    }
}

fn top_list(title: &str, items: &[(String, usize)], on_pick: Option<Callback<Option<String>>>) -> Html {
    let max = items.first().map_or(1, |i| i.1).max(1) as f64;
    html! {
        <figure class="card top">
            <figcaption>{ title.to_string() }</figcaption>
            if items.is_empty() {
                <p class="muted">{ "—" }</p>
            } else {
                <ol>
                    { for items.iter().map(|(name, n)| {
                        let width = format!("{:.1}", (*n as f64 / max) * 100.0);
                        let label = match &on_pick {
                            Some(on) => {
                                let value = name.clone();
                                html! { <button class="linkish" title={format!("Filter on {name}")} onclick={on.reform(move |_| Some(value.clone()))}>{ name.clone() }</button> }
                            }
                            None => html! { <span title={name.clone()}>{ name.clone() }</span> },
                        };
                        html! {
                            <li>
                                <div class="top-row"><span class="top-name">{ label }</span><span class="top-count">{ count(*n) }</span></div>
                                <svg class="meter" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
                                    <rect class="meter-bg" x="0" y="0" width="100" height="4" />
                                    <rect class="meter-fg" x="0" y="0" width={width} height="4" />
                                </svg>
                            </li>
                        }
                    }) }
                </ol>
            }
        </figure>
    }
}
