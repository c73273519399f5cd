//! The award method as the editor writes it: criteria one per line, the
//! scale presets, and the tie-break list.

use super::{Criterion, Scale, TieBreak};

/// Presets for the published scales, by the name used in the editor.
pub fn scale_preset(name: &str) -> Option<Scale> {
    match name.trim() {
        "0-10" => Some(Scale::zero_to_ten()),
        "1-5" => Some(Scale::Levels(
            [(1, "Slecht"), (2, "Onvoldoende"), (3, "Voldoende"), (4, "Goed"), (5, "Uitstekend")]
                .into_iter()
                .map(|(v, d)| (v, d.to_string()))
                .collect(),
        )),
        "voldoet" => Some(Scale::PassFail),
        _ => None,
    }
}

fn preset_name(s: &Scale) -> &'static str {
    match s {
        Scale::PassFail => "voldoet",
        s if *s == Scale::zero_to_ten() => "0-10",
        _ => "1-5",
    }
}

/// Reads the criteria editor: one criterion per line,
/// `code | naam | gewicht | schaal [| bovenliggende code]`, with the scale
/// `0-10`, `1-5` or `voldoet`. A parent's weight is the sum of its children.
pub fn parse_criteria(text: &str) -> Result<Vec<Criterion>, String> {
    let mut flat: Vec<(Criterion, Option<String>)> = vec![];
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('|').map(str::trim).collect();
        if f.len() < 4 || f.len() > 5 {
            return Err(format!("Regel {}: verwacht 'code | naam | gewicht | schaal', eventueel '| bovenliggende code'.", i + 1));
        }
        let weight: f64 = f[2]
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| format!("Regel {}: '{}' is geen gewicht (een getal, 0 of meer).", i + 1, f[2]))?;
        let scale = scale_preset(f[3]).ok_or_else(|| format!("Regel {}: schaal '{}' bestaat niet; kies 0-10, 1-5 of voldoet.", i + 1, f[3]))?;
        if f[0].is_empty() || f[1].is_empty() {
            return Err(format!("Regel {}: geef een code en een naam.", i + 1));
        }
        let parent = f.get(4).filter(|p| !p.is_empty()).map(|p| p.to_string());
        flat.push((Criterion { code: f[0].into(), name: f[1].into(), weight, scale, children: vec![] }, parent));
    }
    fn build(flat: &[(Criterion, Option<String>)], parent: Option<&str>, depth: usize) -> Result<Vec<Criterion>, String> {
        if depth > 3 {
            return Err("Criteria gaan hoogstens drie niveaus diep (controleer de bovenliggende codes).".into());
        }
        let mut out = vec![];
        for (c, p) in flat.iter().filter(|(_, p)| p.as_deref() == parent) {
            let mut c = c.clone();
            c.children = build(flat, Some(&c.code), depth + 1)?;
            let _ = p;
            out.push(c);
        }
        Ok(out)
    }
    for (c, p) in &flat {
        if let Some(p) = p {
            if !flat.iter().any(|(x, _)| &x.code == p) {
                return Err(format!("Criterium {} verwijst naar een onbekend bovenliggend criterium {p}.", c.code));
            }
        }
    }
    build(&flat, None, 0)
}

/// The editor text of a criteria tree (the inverse of `parse_criteria`).
pub fn criteria_text(criteria: &[Criterion]) -> String {
    fn walk(c: &[Criterion], parent: Option<&str>, out: &mut String) {
        for x in c {
            out.push_str(&format!("{} | {} | {} | {}", x.code, x.name, x.weight, preset_name(&x.scale)));
            if let Some(p) = parent {
                out.push_str(&format!(" | {p}"));
            }
            out.push('\n');
            walk(&x.children, Some(&x.code), out);
        }
    }
    let mut out = String::new();
    walk(criteria, None, &mut out);
    out
}

/// Reads the tie-break list: `kwaliteit`, `prijs`, `loting` or a criterion code, comma-separated.
pub fn parse_tie_break(text: &str) -> Vec<TieBreak> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.to_lowercase().as_str() {
            "kwaliteit" => TieBreak::HighestQuality,
            "prijs" => TieBreak::LowestPrice,
            "loting" => TieBreak::Lot,
            _ => TieBreak::HighestOn(s.to_string()),
        })
        .collect()
}

pub fn tie_break_text(t: &[TieBreak]) -> String {
    t.iter()
        .map(|t| match t {
            TieBreak::HighestQuality => "kwaliteit".to_string(),
            TieBreak::LowestPrice => "prijs".to_string(),
            TieBreak::Lot => "loting".to_string(),
            TieBreak::HighestOn(c) => c.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::parse_euros;
    use crate::scoring::{Method, PriceMethod};

    #[test]
    fn the_editor_text_round_trips_and_explains_mistakes() {
        let text = "K1 | Visie en aanpak | 40 | 0-10\nK1.1 | Preventie | 25 | 0-10 | K1\nK1.2 | Op school | 15 | 0-10 | K1\nK2 | Samenwerking | 60 | 1-5\nG | Geschiktheid | 0 | voldoet\n";
        let c = parse_criteria(text).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].children.len(), 2);
        assert_eq!(criteria_text(&c), text);
        let m = Method { criteria: c, price: PriceMethod::QualityOnly { fixed_price: None }, total_points: 100.0, tie_break: parse_tie_break("kwaliteit, K1.1, loting"), decimals: 2 };
        assert_eq!(m.check(), Ok(()));
        assert_eq!(tie_break_text(&m.tie_break), "kwaliteit, K1.1, loting");
        assert!(parse_criteria("K1 | x | veel | 0-10").unwrap_err().contains("Regel 1"));
        assert!(parse_criteria("K1 | x | 10 | 0-100").unwrap_err().contains("0-10, 1-5 of voldoet"));
        assert!(parse_criteria("K1 | x | 10 | 0-10 | K9").unwrap_err().contains("K9"));
        assert!(parse_criteria("K1 | x | 10").is_err());
        assert_eq!(parse_euros("1.250.000"), Ok(1_250_000_00));
        assert_eq!(parse_euros("EUR 1.000.000,5"), Ok(1_000_000_50));
        assert!(parse_euros("1250000.50").unwrap_err().contains("komma"));
        assert!(parse_euros("-5").is_err());
        assert!(parse_euros("veel").is_err());
    }
}
