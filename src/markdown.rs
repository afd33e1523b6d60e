//! Renders a rule's Markdown investigation guide to HTML that is safe to insert: raw HTML in the
//! Markdown is shown as text, links go only to http(s)/mailto and open in a new tab without a referrer.
//!
//! Depends on pulldown-cmark only; never on yew.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// The guide as HTML.
pub fn to_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Raw HTML becomes text: the guide comes from rule files a user may have been handed.
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Link { link_type, dest_url, .. }) => Event::Html(CowStr::from(link_open(link_type, &dest_url))),
        Event::End(TagEnd::Link) => Event::Html(CowStr::from("</a>")),
        Event::Start(Tag::Image { dest_url, .. }) => Event::Text(CowStr::from(format!("[image: {dest_url}] "))),
        Event::End(TagEnd::Image) => Event::Text(CowStr::from("")),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

fn link_open(_kind: LinkType, url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:") {
        format!(r#"<a href="{}" target="_blank" rel="noopener noreferrer">"#, escape_attr(url.trim()))
    } else {
        // javascript:, data: and relative links are not followed.
        "<a>".to_string()
    }
}

/// Escapes text for an HTML attribute value.
pub fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text_and_links_are_safe() {
        let html =
            to_html("## Triage\n\n<script>alert(1)</script>\n\nSee [docs](https://example.com/a?b=\"c\") and [x](javascript:alert(1)).");
        assert!(html.contains("<h2>Triage</h2>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com/a?b=&quot;c&quot;" target="_blank" rel="noopener noreferrer">docs</a>"#),
            "{html}"
        );
        assert!(html.contains("<a>x</a>"), "{html}");
    }
}
