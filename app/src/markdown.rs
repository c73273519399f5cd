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

/// A run of text in a printed document, bold and/or italic.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Run {
    pub t: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub b: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub i: bool,
}

/// A block of a printed document (a PDF of record): what a template needs to
/// set Markdown as real headings, paragraphs, lists and tables, with the
/// text as data (never as markup). Links keep their text, images their
/// description; raw HTML is left out.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "soort", rename_all = "lowercase")]
pub enum Block {
    Kop { niveau: u8, tekst: Vec<Run> },
    Alinea { tekst: Vec<Run> },
    Lijst { genummerd: bool, punten: Vec<Vec<Run>> },
    Tabel { kop: Vec<Vec<Run>>, rijen: Vec<Vec<Vec<Run>>> },
}

/// Markdown as blocks for a printed document whose surrounding heading is
/// at level `base - 1`: the text's headings start at `base` and never skip a
/// level (an accessible PDF may not), whatever levels the author used.
pub fn print_blocks(md: &str, base: u8) -> Vec<Block> {
    use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let (mut bold, mut italic, mut list_depth) = (0u32, 0u32, 0u32);
    let mut out = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Run>>)> = None;
    let mut table: Option<(Vec<Vec<Run>>, Vec<Vec<Vec<Run>>>)> = None;
    let mut row: Vec<Vec<Run>> = Vec::new();
    // The heading level last written (base - 1 before any).
    let mut last = base.saturating_sub(1);
    let mut heading: Option<u8> = None;
    let take = |runs: &mut Vec<Run>| -> Vec<Run> {
        let mut r = std::mem::take(runs);
        if let Some(f) = r.first_mut() {
            f.t = f.t.trim_start().to_string();
        }
        if let Some(l) = r.last_mut() {
            l.t = l.t.trim_end().to_string();
        }
        r.retain(|x| !x.t.is_empty());
        r
    };
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Text(t) | Event::Code(t) => runs.push(Run { t: t.into_string(), b: bold > 0, i: italic > 0 }),
            Event::SoftBreak => runs.push(Run { t: " ".into(), b: false, i: false }),
            Event::HardBreak => runs.push(Run { t: "\n".into(), b: false, i: false }),
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Start(Tag::Heading { level, .. }) => {
                let md_level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                heading = Some((base + md_level - 1).min(last + 1).clamp(base, 6));
            }
            Event::End(TagEnd::Heading(_)) => {
                let niveau = heading.take().unwrap_or(base);
                let tekst = take(&mut runs);
                if !tekst.is_empty() {
                    last = niveau;
                    out.push(Block::Kop { niveau, tekst });
                }
            }
            Event::Start(Tag::List(first)) => {
                list_depth += 1;
                if list_depth == 1 {
                    list = Some((first.is_some(), Vec::new()));
                } else if !runs.is_empty() {
                    // A nested list: the parent item's own text first.
                    let item = take(&mut runs);
                    if let Some((_, items)) = list.as_mut() {
                        items.push(item);
                    }
                }
            }
            Event::End(TagEnd::Item) => {
                let item = take(&mut runs);
                if let (false, Some((_, items))) = (item.is_empty(), list.as_mut()) {
                    items.push(item);
                }
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    if let Some((genummerd, punten)) = list.take().filter(|(_, p)| !p.is_empty()) {
                        out.push(Block::Lijst { genummerd, punten });
                    }
                }
            }
            Event::Start(Tag::Paragraph) if list_depth > 0 && !runs.is_empty() => runs.push(Run { t: " ".into(), b: false, i: false }),
            Event::End(TagEnd::Paragraph | TagEnd::CodeBlock) if list_depth == 0 && table.is_none() => {
                let tekst = take(&mut runs);
                if !tekst.is_empty() {
                    out.push(Block::Alinea { tekst });
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new())),
            Event::End(TagEnd::TableCell) => row.push(take(&mut runs)),
            Event::End(TagEnd::TableHead) => {
                if let Some((head, _)) = table.as_mut() {
                    *head = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some((head, rows)) = table.as_mut() {
                    let mut r = std::mem::take(&mut row);
                    r.resize(head.len().max(1), Vec::new());
                    rows.push(r);
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((kop, rijen)) = table.take() {
                    out.push(Block::Tabel { kop, rijen });
                }
            }
            _ => {}
        }
    }
    let rest = take(&mut runs);
    if !rest.is_empty() {
        out.push(Block::Alinea { tekst: rest });
    }
    out
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
    fn print_blocks_keep_structure_emphasis_and_text_without_markup() {
        let b = print_blocks("# Titel\n\nEerste *alinea*\nloopt **door**.\n\n#### Diep\n\n- een\n- [twee](https://x.nl)\n  - binnen\n\n1. eerst\n\n| a | b |\n|---|---|\n| 1 |\n\n<div>verborgen</div>\n", 3);
        let json = serde_json::to_value(&b).unwrap();
        assert_eq!(json[0], serde_json::json!({"soort": "kop", "niveau": 3, "tekst": [{"t": "Titel"}]}));
        assert_eq!(
            json[1]["tekst"],
            serde_json::json!([{"t": "Eerste "}, {"t": "alinea", "i": true}, {"t": " "}, {"t": "loopt "}, {"t": "door", "b": true}, {"t": "."}])
        );
        // An author's #### after # is one level deeper, not four.
        assert_eq!(json[2]["niveau"], 4);
        assert_eq!(json[3], serde_json::json!({"soort": "lijst", "genummerd": false, "punten": [[{"t": "een"}], [{"t": "twee"}], [{"t": "binnen"}]]}));
        assert_eq!(json[4]["genummerd"], true);
        // A short row is filled up to the header's width.
        assert_eq!(json[5], serde_json::json!({"soort": "tabel", "kop": [[{"t": "a"}], [{"t": "b"}]], "rijen": [[[{"t": "1"}], []]]}));
        assert_eq!(b.len(), 6, "raw HTML is left out: {json}");
        assert!(!json.to_string().contains("verborgen"));
    }

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
