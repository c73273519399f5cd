//! Markdown for documents, answers and minutes (server only): rendered with
//! pulldown-cmark and always sanitised with ammonia, so raw HTML, event
//! handlers and `javascript:` links never reach a browser.

use pulldown_cmark::{html, Options, Parser};

/// Renders Markdown to sanitised HTML.
pub fn render(md: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, opts));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["https", "http", "mailto"].into_iter().collect())
        .clean(&out)
        .to_string()
}

/// One line of a diff: '+' added, '-' removed, ' ' unchanged.
pub type DiffLine = (char, String);

/// A readable line diff between two versions of a Markdown text.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    use similar::{ChangeTag, TextDiff};
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| {
            let tag = match c.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            (tag, c.value().trim_end_matches('\n').to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        let html = render("# Titel\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[klik](javascript:alert(1))\n\n**vet**");
        assert!(html.contains("<h1>Titel</h1>"));
        assert!(html.contains("<strong>vet</strong>"));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn tables_render_and_links_get_noopener() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n[TenderNed](https://www.tenderned.nl)");
        assert!(html.contains("<table>"));
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn a_diff_shows_removed_and_added_lines() {
        let d = diff("een\ntwee\ndrie\n", "een\nTWEE\ndrie\n");
        assert_eq!(d, vec![
            (' ', "een".into()), ('-', "twee".into()), ('+', "TWEE".into()), (' ', "drie".into()),
        ]);
    }
}
