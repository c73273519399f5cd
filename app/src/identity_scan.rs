//! The check at the opening of whether a quality plan names its bidder.
//!
//! Office documents (docx, xlsx, odt, ods) are zip containers whose text and
//! metadata (`docProps/core.xml`, `meta.xml`) are deflate-compressed, and PDFs
//! usually compress their streams: a search of the stored bytes alone sees none
//! of that. The scan reads the file itself, every member of a zip container
//! (nested containers too, a few levels deep) and every zlib-compressed PDF
//! stream, within a budget of inflated bytes so that a zip bomb costs nothing.
//! XML members are also read without their tags, so that a name Word splits
//! over two runs (`<w:t>Jeugdhulp</w:t></w:r><w:r><w:t> Kennemerland</w:t>`)
//! is still found. Text that a PDF draws glyph by glyph through its own font
//! encoding is not found; the evaluators' flag covers that.

use std::io::Read;

/// How many inflated bytes one file may produce for the scan.
pub const INFLATE_BUDGET: u64 = 256 << 20;
/// How deep containers inside containers are opened.
const MAX_DEPTH: u8 = 3;

/// The terms that occur in the file, case-insensitively, as UTF-8 text or as
/// UTF-16 (as PDF metadata and Word store some text), in the file or in what
/// it holds compressed.
pub fn find_terms(bytes: &[u8], terms: &[String]) -> Vec<String> {
    let mut inner = vec![];
    let mut budget = INFLATE_BUDGET;
    inflate_into(bytes, 0, &mut budget, &mut inner);
    // The inflated parts are ours to lowercase in place; only the file is copied.
    for part in &mut inner {
        part.make_ascii_lowercase();
    }
    let file = bytes.to_ascii_lowercase();
    let hays: Vec<&[u8]> = std::iter::once(file.as_slice()).chain(inner.iter().map(Vec::as_slice)).collect();
    terms
        .iter()
        .filter(|t| {
            let lower = t.to_lowercase();
            let utf8 = lower.as_bytes().to_vec();
            let be: Vec<u8> = lower.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
            let le: Vec<u8> = lower.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            let needles = [utf8, be, le];
            hays.iter().any(|h| needles.iter().any(|n| memchr::memmem::find(h, n).is_some()))
        })
        .cloned()
        .collect()
}

/// Appends to `out` what `bytes` holds compressed: zip members (and, for XML
/// members, their text without tags) and inflated PDF streams, recursively,
/// spending at most `budget` inflated bytes.
pub fn inflate_into(bytes: &[u8], depth: u8, budget: &mut u64, out: &mut Vec<Vec<u8>>) {
    if depth >= MAX_DEPTH || *budget == 0 {
        return;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        zip_members(bytes, depth, budget, out);
    } else if bytes.starts_with(b"%PDF") {
        pdf_streams(bytes, depth, budget, out);
    }
}

fn zip_members(bytes: &[u8], depth: u8, budget: &mut u64, out: &mut Vec<Vec<u8>>) {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return };
    for i in 0..archive.len() {
        if *budget == 0 {
            return;
        }
        // Encrypted or damaged members are passed over.
        let Ok(member) = archive.by_index(i) else { continue };
        if member.is_dir() {
            continue;
        }
        let xml_name = member.name().map(|n| n.ends_with(".xml") || n.ends_with(".rels")).unwrap_or(false);
        let mut data = vec![];
        // A read error (bad checksum, truncated data) keeps what was read.
        let _ = member.take(*budget).read_to_end(&mut data);
        if data.is_empty() {
            continue;
        }
        *budget -= data.len() as u64;
        if xml_name || data.starts_with(b"<?xml") {
            out.push(xml_text(&data));
        }
        inflate_into(&data, depth + 1, budget, out);
        out.push(data);
    }
}

fn pdf_streams(bytes: &[u8], depth: u8, budget: &mut u64, out: &mut Vec<Vec<u8>>) {
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&bytes[at..], b"stream") {
        let mut start = at + found + b"stream".len();
        at = start;
        // `endstream` also contains `stream`; a stream's data starts after an end of line.
        match bytes.get(start..start + 2) {
            Some(b"\r\n") => start += 2,
            Some([b'\n', _]) => start += 1,
            _ => continue,
        }
        let end = memchr::memmem::find(&bytes[start..], b"endstream").map(|e| start + e).unwrap_or(bytes.len());
        at = end;
        let data = &bytes[start..end];
        // A zlib header: deflate with a window of at most 32 KiB and a valid check.
        let zlib = data.len() >= 2 && data[0] & 0x0f == 8 && data[0] >> 4 <= 7 && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
        if !zlib {
            continue;
        }
        let mut inflated = vec![];
        let _ = flate2::read::ZlibDecoder::new(data).take(*budget).read_to_end(&mut inflated);
        if inflated.is_empty() {
            continue;
        }
        *budget -= inflated.len() as u64;
        inflate_into(&inflated, depth + 1, budget, out);
        out.push(inflated);
        if *budget == 0 {
            return;
        }
    }
}

/// The text of an XML document: tags left out, the five predefined entities
/// decoded.
pub(crate) fn xml_text(xml: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(xml.len() / 2);
    let mut in_tag = false;
    for &b in xml {
        match b {
            b'<' => in_tag = true,
            b'>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(b),
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    'next: while i < text.len() {
        if text[i] == b'&' {
            for (entity, ch) in [(&b"&amp;"[..], b'&'), (b"&lt;", b'<'), (b"&gt;", b'>'), (b"&quot;", b'"'), (b"&apos;", b'\'')] {
                if text[i..].starts_with(entity) {
                    out.push(ch);
                    i += entity.len();
                    continue 'next;
                }
            }
        }
        out.push(text[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    fn terms() -> Vec<String> {
        vec!["Jeugdhulp Kennemerland".into(), "Jeugd & Gezin Noord".into(), "90000001".into()]
    }

    /// A zip container of `members`, deflated (office documents are such).
    pub(crate) fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(vec![]));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(vec![], flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn a_plan_that_names_its_bidder_is_found_in_text_and_utf16() {
        use crate::domain::evaluation::identifying_terms;
        let terms = identifying_terms("Jeugdhulp Kennemerland B.V. (demo)", "90000001", &["info@jhk.example".into()]);
        assert_eq!(terms, ["Jeugdhulp Kennemerland B.V. (demo)", "Jeugdhulp Kennemerland", "90000001", "info@jhk.example"]);
        assert_eq!(find_terms(b"Ons plan, door JEUGDHULP kennemerland.", &terms), ["Jeugdhulp Kennemerland"]);
        let utf16: Vec<u8> = "/Author (Jeugdhulp Kennemerland)".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(find_terms(&utf16, &terms), ["Jeugdhulp Kennemerland"]);
        assert_eq!(find_terms(b"KvK 90000001", &terms), ["90000001"]);
        assert!(find_terms(b"Een anoniem plan over jeugdhulp in Kennemerland.", &terms).is_empty());
        assert_eq!(identifying_terms("Stichting Noord", "12345678", &[]), ["Stichting Noord", "12345678"], "'Noord' alone is too short");
    }

    #[test]
    fn a_word_document_names_its_bidder_in_its_metadata_and_in_runs_split_by_formatting() {
        let core = b"<?xml version=\"1.0\"?><cp:coreProperties><dc:creator>JEUGDHULP KENNEMERLAND</dc:creator></cp:coreProperties>";
        let docx = zip_of(&[("docProps/core.xml", core), ("word/document.xml", b"<w:p><w:r><w:t>Over ons</w:t></w:r></w:p>")]);
        assert!(memchr::memmem::find(&docx.to_ascii_lowercase(), b"jeugdhulp").is_none(), "compressed: a byte search sees nothing");
        assert_eq!(find_terms(&docx, &terms()), ["Jeugdhulp Kennemerland"]);

        let body = b"<?xml version=\"1.0\"?><w:p><w:r><w:t>Uitgevoerd door Jeugdhulp</w:t></w:r><w:r w:rsidR=\"00A1\"><w:t xml:space=\"preserve\"> Kennemerland</w:t></w:r><w:r><w:t>, samen met Jeugd &amp; Gezin Noord.</w:t></w:r></w:p>";
        let docx = zip_of(&[("word/document.xml", body)]);
        assert_eq!(find_terms(&docx, &terms()), ["Jeugdhulp Kennemerland", "Jeugd & Gezin Noord"]);
    }

    #[test]
    fn containers_inside_containers_and_compressed_pdf_streams_are_read() {
        let ods = zip_of(&[("meta.xml", b"<meta:initial-creator>KvK 90000001</meta:initial-creator>")]);
        let outer = zip_of(&[("bijlagen/begroting.ods", &ods), ("leesmij.txt", b"anoniem")]);
        assert_eq!(find_terms(&outer, &terms()), ["90000001"]);

        let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend(zlib(b"BT (Jeugdhulp Kennemerland) Tj ET"));
        pdf.extend(b"\nendstream\nendobj\n2 0 obj\n<< >>\nstream\r\nniet gecomprimeerd\nendstream\n%%EOF");
        assert_eq!(find_terms(&pdf, &terms()), ["Jeugdhulp Kennemerland"]);

        let anonymous = zip_of(&[("word/document.xml", b"<w:t>Een plan over jeugdhulp in Kennemerland.</w:t>")]);
        assert!(find_terms(&anonymous, &terms()).is_empty());
    }

    #[test]
    fn damaged_files_and_zip_bombs_cost_no_more_than_the_budget() {
        let zeros = vec![0u8; 4 << 20];
        let bomb = zip_of(&[("a.bin", &zeros), ("b.bin", &zeros)]);
        assert!(bomb.len() < 64 << 10, "deflate shrinks zeros: {}", bomb.len());
        let mut budget = 1 << 20;
        let mut out = vec![];
        inflate_into(&bomb, 0, &mut budget, &mut out);
        assert_eq!(budget, 0);
        assert_eq!(out.iter().map(Vec::len).sum::<usize>(), 1 << 20);

        let mut truncated = zip_of(&[("word/document.xml", b"<w:t>Jeugdhulp Kennemerland</w:t>")]);
        truncated.truncate(truncated.len() / 2);
        let _ = find_terms(&truncated, &terms());
        let _ = find_terms(b"%PDF-1.4\nstream\n\x78\x9c\xff\xff\xff", &terms());
        let _ = find_terms(b"PK\x03\x04 niets", &terms());
    }
}
