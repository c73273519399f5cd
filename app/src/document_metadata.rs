//! What a quality plan says about its maker besides its text: document
//! metadata (author, company, who last saved it, comment authors) and
//! external references (a link or a picture on a web server, which tells its
//! owner when an evaluator opens the document).
//!
//! [`clean`] makes the copy the evaluators are served: for office documents
//! (OOXML: docx, xlsx, pptx; ODF: odt, ods, odp) the property parts are
//! replaced by empty ones and the author names of comments and tracked
//! changes by "Inschrijver"; for a PDF the strings of its document
//! information dictionary and the text of its XMP packet are overwritten with
//! spaces in place (same length, so every offset in the file stays valid).
//! What cannot be removed that way (metadata inside a compressed object) is
//! reported, as are external references; the opening raises a flag for them.
//! The bidder's receipt keeps the hash of what the bidder sent: only the
//! served copy changes.

use std::io::{Read, Write};

/// The outcome for one file.
#[derive(Debug, Default, PartialEq)]
pub struct Cleaned {
    /// The copy to serve, when it differs from the original.
    pub copy: Option<Vec<u8>>,
    /// Metadata removed from the copy (names of the kinds, in Dutch).
    pub removed: Vec<&'static str>,
    /// Metadata that could not be removed.
    pub kept: Vec<&'static str>,
    /// How many references to something outside the document it holds.
    pub external: usize,
}

/// The office document parts that hold nothing but properties, and what
/// replaces each.
const PROPERTY_PARTS: &[(&str, &str)] = &[
    (
        "docProps/core.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>"#,
    ),
    (
        "docProps/app.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>"#,
    ),
    (
        "docProps/custom.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>"#,
    ),
    (
        "meta.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"><office:meta/></office:document-meta>"#,
    ),
];

/// Attributes naming a person in office XML (comments, tracked changes, the
/// list of people who edited).
const PERSON_ATTRIBUTES: &[&[u8]] = &[b"w:author=\"", b"w:initials=\"", b"w15:author=\"", b"w15:userId=\"", b"w15:providerId=\"", b"initials=\""];
/// Elements whose text names a person (ODF change info and annotations, the
/// comment authors of a spreadsheet).
const PERSON_ELEMENTS: &[&str] = &["dc:creator", "meta:initial-creator", "cp:lastModifiedBy", "author"];
const STAND_IN: &[u8] = b"Inschrijver";

/// The served copy of `bytes` and what was found; for a file that is neither
/// an office document nor a PDF, nothing.
pub fn clean(bytes: &[u8]) -> Cleaned {
    if bytes.starts_with(b"PK\x03\x04") {
        clean_office(bytes).unwrap_or_default()
    } else if bytes.starts_with(b"%PDF") {
        clean_pdf(bytes)
    } else {
        Cleaned::default()
    }
}

/// `xml` with every person's name (see the lists above) replaced.
fn replace_people(xml: &[u8]) -> Vec<u8> {
    let mut out = xml.to_vec();
    for attr in PERSON_ATTRIBUTES {
        let mut at = 0;
        while let Some(found) = memchr::memmem::find(&out[at..], attr) {
            let start = at + found + attr.len();
            let Some(len) = memchr::memchr(b'"', &out[start..]) else { break };
            // A whole attribute name only (`w:initials` is not `initials`).
            let whole = at + found == 0 || matches!(out[at + found - 1], b' ' | b'\t' | b'\n' | b'\r');
            if whole {
                out.splice(start..start + len, STAND_IN.iter().copied());
                at = start + STAND_IN.len();
            } else {
                at = start + len;
            }
        }
    }
    for e in PERSON_ELEMENTS {
        let (open, close) = (format!("<{e}>"), format!("</{e}>"));
        let mut at = 0;
        while let Some(found) = memchr::memmem::find(&out[at..], open.as_bytes()) {
            let start = at + found + open.len();
            let Some(len) = memchr::memmem::find(&out[start..], close.as_bytes()) else { break };
            out.splice(start..start + len, STAND_IN.iter().copied());
            at = start + STAND_IN.len() + close.len();
        }
    }
    out
}

/// How many references to outside the document an office XML part holds:
/// relationships with an external target (hyperlinks, linked pictures and
/// templates) and ODF links to a web address.
fn external_in_xml(name: &str, xml: &[u8]) -> usize {
    let rels = if name.ends_with(".rels") { memchr::memmem::find_iter(xml, b"TargetMode=\"External\"").count() } else { 0 };
    rels + memchr::memmem::find_iter(xml, b"xlink:href=\"http").count()
}

fn clean_office(bytes: &[u8]) -> Option<Cleaned> {
    clean_office_within(bytes, crate::identity_scan::INFLATE_BUDGET)
}

/// [`clean_office`] reading at most `budget` inflated bytes.
fn clean_office_within(bytes: &[u8], mut budget: u64) -> Option<Cleaned> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(bytes.len())));
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut out = Cleaned::default();
    let mut changed = false;
    // One budget of inflated bytes for the whole document, as for the scan:
    // a container of many bomb-sized parts costs no more than one.
    for i in 0..archive.len() {
        let name = archive.by_index_raw(i).ok()?.name().ok()?.to_string();
        let replacement = PROPERTY_PARTS.iter().find(|(part, _)| *part == name).map(|(_, empty)| *empty);
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        if !xml {
            // Pictures, embedded files, `mimetype` (stored, first): as they are.
            writer.raw_copy_file(archive.by_index_raw(i).ok()?).ok()?;
            continue;
        }
        let mut data = vec![];
        archive.by_index(i).ok()?.take(budget).read_to_end(&mut data).ok()?;
        budget -= data.len() as u64;
        if budget == 0 {
            // Too much to read: served as sent, and the buyer is told.
            return Some(Cleaned { kept: vec!["metadata niet gecontroleerd: het document is te groot om uit te pakken"], ..Cleaned::default() });
        }
        out.external += external_in_xml(&name, &data);
        let new = match replacement {
            Some(empty) => {
                let filled = crate::identity_scan::xml_text(&data).iter().any(|b| !b.is_ascii_whitespace());
                if filled {
                    out.removed.push(if name == "meta.xml" || name == "docProps/core.xml" {
                        "documenteigenschappen (zoals auteur en laatst opgeslagen door)"
                    } else {
                        "toepassingseigenschappen (zoals bedrijf en manager)"
                    });
                }
                Some(empty.as_bytes().to_vec())
            }
            None => {
                let new = replace_people(&data);
                (new != data).then(|| {
                    out.removed.push("namen bij opmerkingen en wijzigingen");
                    new
                })
            }
        };
        match new {
            Some(new) => {
                changed = true;
                writer.start_file(name, deflated).ok()?;
                writer.write_all(&new).ok()?;
            }
            None => writer.raw_copy_file(archive.by_index_raw(i).ok()?).ok()?,
        }
    }
    out.removed.sort_unstable();
    out.removed.dedup();
    if changed {
        out.copy = Some(writer.finish().ok()?.into_inner());
    }
    Some(out)
}

/// The byte range of the string value (literal `( .. )` or hex `< .. >`)
/// that starts at or after `at` (after white space), if one does.
fn pdf_string_at(b: &[u8], mut at: usize) -> Option<(usize, usize, bool)> {
    while b.get(at).is_some_and(|c| c.is_ascii_whitespace()) {
        at += 1;
    }
    match b.get(at)? {
        b'(' => {
            let (mut depth, mut i) = (1usize, at + 1);
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((at + 1, i, false));
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        b'<' if b.get(at + 1) != Some(&b'<') => memchr::memchr(b'>', &b[at..]).map(|e| (at + 1, at + e, true)),
        _ => None,
    }
}

/// Overwrites a string's content with spaces, keeping its length.
fn blank_string(b: &mut [u8], start: usize, end: usize, hex: bool) {
    let mut digit = 0;
    for c in &mut b[start..end] {
        if hex {
            if c.is_ascii_hexdigit() {
                *c = if digit % 2 == 0 { b'2' } else { b'0' };
                digit += 1;
            }
        } else {
            *c = b' ';
        }
    }
}

/// The keys of a document information dictionary that may name someone.
const INFO_KEYS: &[&[u8]] = &[b"/Author", b"/Creator", b"/Title", b"/Subject", b"/Keywords", b"/Company", b"/Manager", b"/SourceModified"];

fn clean_pdf(bytes: &[u8]) -> Cleaned {
    let mut copy = bytes.to_vec();
    let mut out = Cleaned::default();
    // The information dictionaries the trailers name: `/Info 12 0 R`.
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&bytes[at..], b"/Info") {
        at += found + b"/Info".len();
        let rest = &bytes[at..bytes.len().min(at + 32)];
        let text = String::from_utf8_lossy(rest);
        let mut words = text.split_whitespace();
        let (Some(num), Some(generation), Some(r)) = (words.next(), words.next(), words.next()) else { continue };
        if !r.starts_with('R') || num.parse::<u32>().is_err() || generation.parse::<u32>().is_err() {
            continue;
        }
        let header = format!("{num} {generation} obj");
        let Some(obj) = memchr::memmem::find_iter(bytes, header.as_bytes())
            .find(|&p| p == 0 || matches!(bytes[p - 1], b'\n' | b'\r' | b' '))
        else {
            // Inside a compressed object stream: not removable in place.
            out.kept.push("documentinformatie in een gecomprimeerd object, niet te verwijderen");
            continue;
        };
        let end = memchr::memmem::find(&bytes[obj..], b"endobj").map(|e| obj + e).unwrap_or(bytes.len());
        for key in INFO_KEYS {
            let mut k = obj;
            while let Some(f) = memchr::memmem::find(&copy[k..end], key) {
                let after = k + f + key.len();
                k = after;
                // `/Creator` is not `/CreatorTool`.
                if copy.get(after).is_some_and(|c| c.is_ascii_alphanumeric()) {
                    continue;
                }
                if let Some((s, e, hex)) = pdf_string_at(&copy, after) {
                    if copy[s..e].iter().any(|c| !c.is_ascii_whitespace() && !(hex && (*c == b'0' || *c == b'2'))) {
                        out.removed.push("documentinformatie (zoals auteur en titel)");
                    }
                    blank_string(&mut copy, s, e.min(end), hex);
                }
            }
        }
    }
    // XMP packets stored uncompressed: their text goes, their mark-up stays.
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&copy[at..], b"<x:xmpmeta") {
        let start = at + found;
        let Some(len) = memchr::memmem::find(&copy[start..], b"</x:xmpmeta>") else { break };
        let mut in_tag = false;
        let mut any = false;
        for c in &mut copy[start..start + len] {
            match *c {
                b'<' => in_tag = true,
                b'>' => in_tag = false,
                _ if !in_tag && !c.is_ascii_whitespace() => {
                    *c = b' ';
                    any = true;
                }
                _ => {}
            }
        }
        if any {
            out.removed.push("XMP-metadata");
        }
        at = start + len;
    }
    // What a compressed stream holds: external actions, packed metadata.
    let mut inner = vec![];
    let mut budget = crate::identity_scan::INFLATE_BUDGET;
    crate::identity_scan::inflate_into(bytes, 0, &mut budget, &mut inner);
    for hay in std::iter::once(bytes).chain(inner.iter().map(Vec::as_slice)) {
        // A link's address (`/URI (..)`, not the action type `/S /URI`), and
        // the actions that open another file or send a form.
        out.external += memchr::memmem::find_iter(hay, b"/URI").filter(|&p| pdf_string_at(hay, p + 4).is_some()).count();
        for action in [&b"/Launch"[..], b"/GoToR", b"/SubmitForm", b"/ImportData"] {
            out.external += memchr::memmem::find_iter(hay, action).filter(|&p| !hay.get(p + action.len()).is_some_and(|c| c.is_ascii_alphanumeric())).count();
        }
    }
    if inner.iter().any(|s| memchr::memmem::find(s, b"<x:xmpmeta").is_some()) {
        out.kept.push("XMP-metadata in een gecomprimeerde stroom, niet te verwijderen");
    }
    out.removed.sort_unstable();
    out.removed.dedup();
    out.kept.sort_unstable();
    out.kept.dedup();
    if copy != bytes {
        out.copy = Some(copy);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity_scan::tests::zip_of;

    fn member_bytes(zip: &[u8], name: &str) -> Vec<u8> {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut v = vec![];
        a.by_name(name).unwrap().read_to_end(&mut v).unwrap();
        v
    }

    fn member(zip: &[u8], name: &str) -> String {
        String::from_utf8(member_bytes(zip, name)).unwrap()
    }

    #[test]
    fn a_word_document_loses_its_company_author_and_comment_names_but_not_its_text() {
        let docx = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("docProps/core.xml", b"<cp:coreProperties><dc:creator>Jeugdhulp Kennemerland</dc:creator></cp:coreProperties>"),
            ("docProps/app.xml", b"<Properties><Company>Jeugdhulp Kennemerland B.V.</Company></Properties>"),
            ("word/document.xml", b"<w:document><w:t>Ons plan voor de scholen.</w:t><w:ins w:id=\"1\" w:author=\"Piet Jansen\"/></w:document>"),
            ("word/comments.xml", b"<w:comments><w:comment w:id=\"0\" w:author=\"Piet Jansen\" w:initials=\"PJ\"/></w:comments>"),
            ("word/_rels/document.xml.rels", b"<Relationships><Relationship Id=\"r1\" TargetMode=\"External\" Target=\"https://jhk.example/p.png\"/></Relationships>"),
            ("word/media/logo.png", b"\x89PNG niet aangeraakt"),
        ]);
        let c = clean(&docx);
        let copy = c.copy.expect("a cleaned copy");
        let terms = vec!["Jeugdhulp Kennemerland".to_string(), "Piet Jansen".to_string()];
        assert_eq!(crate::identity_scan::find_terms(&docx, &terms).len(), 2, "the original names both");
        assert!(crate::identity_scan::find_terms(&copy, &terms).is_empty(), "the copy names neither");
        assert!(member(&copy, "word/document.xml").contains("Ons plan voor de scholen."));
        assert!(member(&copy, "word/comments.xml").contains("w:author=\"Inschrijver\" w:initials=\"Inschrijver\""));
        assert_eq!(member_bytes(&copy, "word/media/logo.png"), b"\x89PNG niet aangeraakt", "other parts as they were");
        assert_eq!(c.external, 1);
        assert_eq!(c.removed.len(), 3, "{:?}", c.removed);
        assert!(c.kept.is_empty());
    }

    #[test]
    fn an_odf_document_loses_its_meta_and_change_authors() {
        let odt = zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("meta.xml", b"<office:document-meta><office:meta><meta:initial-creator>Piet Jansen</meta:initial-creator></office:meta></office:document-meta>"),
            ("content.xml", b"<office:text><text:changed-region><office:change-info><dc:creator>Piet Jansen</dc:creator></office:change-info></text:changed-region><text:a xlink:href=\"https://jhk.example\">site</text:a></office:text>"),
        ]);
        let c = clean(&odt);
        let copy = c.copy.unwrap();
        assert!(crate::identity_scan::find_terms(&copy, &["Piet Jansen".to_string()]).is_empty());
        assert_eq!(c.external, 1);
        assert_eq!(member(&copy, "mimetype"), "application/vnd.oasis.opendocument.text");
    }

    #[test]
    fn a_pdf_loses_its_information_strings_in_place_and_reports_its_links() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Author (Jeugdhulp \\(JHK\\) Kennemerland) /Title <FEFF004A0048004B> /Producer (Writer) /CreationDate (D:20230601) >>\nendobj\n3 0 obj\n<< /Type /Metadata >>\nstream\n<x:xmpmeta><dc:creator><rdf:li>Piet Jansen</rdf:li></dc:creator></x:xmpmeta>\nendstream\nendobj\n4 0 obj\n<< /A << /S /URI /URI (https://jhk.example) >> >>\nendobj\ntrailer\n<< /Root 1 0 R /Info 2 0 R >>\n%%EOF";
        let c = clean(pdf);
        let copy = c.copy.unwrap();
        assert_eq!(copy.len(), pdf.len(), "same length: every offset stays valid");
        let text = String::from_utf8_lossy(&copy);
        assert!(!text.contains("Jeugdhulp") && !text.contains("Piet Jansen") && !text.contains("004A"), "{text}");
        assert!(text.contains("/Producer (Writer)") && text.contains("(D:20230601)"), "{text}");
        assert_eq!(c.external, 1, "one link");
        assert_eq!(c.removed, ["XMP-metadata", "documentinformatie (zoals auteur en titel)"]);
        let packed = b"%PDF-1.5\ntrailer\n<< /Info 9 0 R >>\n%%EOF";
        assert_eq!(clean(packed).kept, ["documentinformatie in een gecomprimeerd object, niet te verwijderen"]);
    }

    #[test]
    fn an_office_document_of_many_bomb_sized_parts_costs_one_budget_and_is_reported() {
        let spaces = vec![b' '; 4 << 20];
        let bomb = zip_of(&[("a.xml", &spaces), ("b.xml", &spaces), ("c.xml", &spaces)]);
        assert!(bomb.len() < 256 << 10, "deflate shrinks it: {}", bomb.len());
        let c = clean_office_within(&bomb, 10 << 20).unwrap();
        assert!(c.copy.is_none());
        assert_eq!(c.kept, ["metadata niet gecontroleerd: het document is te groot om uit te pakken"]);
        assert!(clean_office_within(&bomb, 16 << 20).unwrap().kept.is_empty(), "within the budget it is read");
    }

    #[test]
    fn anything_else_and_damaged_files_are_left_as_they_are() {
        assert_eq!(clean(b"platte tekst"), Cleaned::default());
        assert_eq!(clean(b"PK\x03\x04 kapot"), Cleaned::default());
        let _ = clean(b"%PDF-1.4 /Info 1 0 R 1 0 obj << /Author (open");
    }
}
