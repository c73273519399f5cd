//! What a cell of an exported spreadsheet may hold: text that a spreadsheet
//! program would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
//! a carriage return) is neutralised with a leading apostrophe, as OWASP
//! advises against CSV injection; a plain number (`-3`, `7,50`) stays a number.

use std::borrow::Cow;

/// The characters a spreadsheet program reads as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `s` is a plain number as Dutch exports write it: an optional sign,
/// digits, dots and one decimal comma (`-1.250,50`).
fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').or_else(|| s.strip_prefix('+')).unwrap_or(s);
    !digits.is_empty()
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && digits.matches(',').count() <= 1
}

/// The cell as it may be written.
pub fn cell(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some(c) if FORMULA_START.contains(&c) && !is_number(value) => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_formula_is_neutralised_and_a_number_is_not() {
        for f in ["=HYPERLINK(\"http://x\";\"klik\")", "+31 6 1234", "-2+3", "@SUM(A1)", "\tx", "\r=1", "=1+1"] {
            assert_eq!(cell(f), format!("'{f}"), "{f:?}");
        }
        for n in ["-3", "7,50", "-1.250,50", "+5", "60", "", "Stichting =Zorg", "'al een apostrof"] {
            assert_eq!(cell(n), n, "{n:?}");
        }
    }

    proptest! {
        #[test]
        fn no_cell_starts_a_formula_unless_it_is_a_number(s in "\\PC{0,40}") {
            let c = cell(&s);
            let first = c.chars().next();
            prop_assert!(!first.is_some_and(|f| FORMULA_START.contains(&f)) || is_number(&c));
        }
    }
}
