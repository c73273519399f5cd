//! Checked values, parsed once where they enter (a form, a URL, the database)
//! and trusted from then on: a KvK number, an e-mail address, a postcode, a
//! user name, a pseudonym, an idempotency key, a level on a scale. Each has a
//! fallible constructor with the Dutch message for a person who typed it
//! wrong; there is no other way to make one, also not through serde.

use crate::code::Code;
use crate::refusal::{Refusal, Ruling};
use serde::{Deserialize, Serialize};

/// The shared plumbing of a checked text value: `as_str`, `Display`,
/// `AsRef<str>`, [`Code`] and serde through `parse`.
macro_rules! text_value {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Code for $name {
            fn as_code(&self) -> &str {
                &self.0
            }
            fn from_code(s: &str) -> Option<Self> {
                // Stored values are canonical: they parse to themselves.
                $name::parse(s).ok().filter(|v| v.0 == s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Refusal;
            fn try_from(s: String) -> Result<Self, Refusal> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

/// A KvK number: exactly eight digits, not all zeros (spaces and dots typed
/// between the digits are dropped).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Kvk(String);
text_value!(Kvk);

impl Kvk {
    pub fn parse(s: &str) -> Ruling<Kvk> {
        let t: String = s.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        if t.len() != 8 || !t.chars().all(|c| c.is_ascii_digit()) {
            return Err(Refusal::invalid("Een KvK-nummer bestaat uit precies 8 cijfers."));
        }
        if t == "00000000" {
            return Err(Refusal::invalid("Dit KvK-nummer bestaat niet."));
        }
        Ok(Kvk(t))
    }
}

/// An e-mail address: one '@' with a local part and a domain with a dot, no
/// spaces or list separators, at most 254 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
text_value!(Email);

impl Email {
    pub fn parse(s: &str) -> Ruling<Email> {
        let s = s.trim();
        let ok = s.len() <= 254
            && s.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && !d.contains('@') && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
            })
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == ';');
        if ok {
            Ok(Email(s.to_string()))
        } else {
            Err(Refusal::invalid("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."))
        }
    }
}

/// A Dutch postcode, normalised to "1811 AB".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);
text_value!(Postcode);

impl Postcode {
    pub fn parse(s: &str) -> Ruling<Postcode> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let ok = t.len() == 6
            && t.is_char_boundary(4)
            && t[..4].chars().all(|c| c.is_ascii_digit())
            && !t.starts_with('0')
            && t[4..].chars().all(|c| c.is_ascii_uppercase());
        if ok {
            Ok(Postcode(format!("{} {}", &t[..4], &t[4..])))
        } else {
            Err(Refusal::invalid("Vul een Nederlandse postcode in, bijvoorbeeld 1811 AB."))
        }
    }
}

/// A user name: 3 to 40 characters, lower-case letters, digits, '.', '-' or '_'.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);
text_value!(Username);

impl Username {
    pub fn parse(s: &str) -> Ruling<Username> {
        let s = s.trim().to_lowercase();
        if (3..=40).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
            Ok(Username(s))
        } else {
            Err(Refusal::invalid(
                "Een gebruikersnaam heeft 3 tot 40 tekens: letters, cijfers, punt, streepje of liggend streepje.",
            ))
        }
    }
}

/// The pseudonym a quality plan is evaluated under: one or two letters of
/// [`crate::evaluation::PSEUDONYM_LETTERS`] ("K", "AB"); shown as "Inschrijving K".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pseudonym(String);
text_value!(Pseudonym);

impl Pseudonym {
    /// Reads a pseudonym as typed or linked ("k", " K "); anything else does not exist.
    pub fn parse(s: &str) -> Ruling<Pseudonym> {
        let t = s.trim().to_uppercase();
        let ok = (1..=2).contains(&t.len()) && t.bytes().all(|b| crate::evaluation::PSEUDONYM_LETTERS.contains(&b));
        if ok {
            Ok(Pseudonym(t))
        } else {
            Err(Refusal::not_found("Deze inschrijving bestaat niet."))
        }
    }

    /// How a person reads it: "Inschrijving K".
    pub fn label(&self) -> String {
        crate::evaluation::plan_label(&self.0)
    }
}

/// A client's idempotency key for a retried post: 8 to 100 letters, digits,
/// '-' or '_'.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);
text_value!(IdempotencyKey);

impl IdempotencyKey {
    pub fn parse(s: &str) -> Ruling<IdempotencyKey> {
        if (8..=100).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            Ok(IdempotencyKey(s.to_string()))
        } else {
            Err(Refusal::invalid("De indiening mist een geldige idempotentiesleutel. Laad de pagina opnieuw."))
        }
    }
}

/// A tender's reference ("JST-PO-2024"): 3 to 40 letters, digits, '-', '_'
/// or '.', kept as typed (upper case stays upper case).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenderReference(String);
text_value!(TenderReference);

impl TenderReference {
    pub fn parse(s: &str) -> Ruling<TenderReference> {
        let t = s.trim();
        if (3..=40).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            Ok(TenderReference(t.to_string()))
        } else {
            Err(Refusal::invalid("Een kenmerk heeft 3 tot 40 tekens: letters, cijfers, punt, streepje of liggend streepje."))
        }
    }
}

/// A CPV code of the main vocabulary: eight digits, a hyphen and the check
/// digit ("85311300-5"). Only the form is checked: the Publications Office
/// itself says the published check digits do not follow one computation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CpvCode(String);
text_value!(CpvCode);

impl CpvCode {
    pub fn parse(s: &str) -> Ruling<CpvCode> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let b = t.as_bytes();
        let ok = b.len() == 10 && b[..8].iter().all(u8::is_ascii_digit) && b[8] == b'-' && b[9].is_ascii_digit() && &t[..2] != "00";
        if ok {
            Ok(CpvCode(t))
        } else {
            Err(Refusal::invalid("Vul een CPV-code in zoals 85311300-5: acht cijfers, een streepje en het controlecijfer."))
        }
    }
}

/// A school's BRIN code: two digits and two letters ("20AB"), optionally
/// followed by a two-digit location number ("20AB00"); upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Brin(String);
text_value!(Brin);

impl Brin {
    pub fn parse(s: &str) -> Ruling<Brin> {
        let t = s.trim().to_uppercase();
        let b = t.as_bytes();
        let ok = (b.len() == 4 || b.len() == 6)
            && b[..2].iter().all(u8::is_ascii_digit)
            && b[2..4].iter().all(u8::is_ascii_uppercase)
            && b[4..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Brin(t))
        } else {
            Err(Refusal::invalid("Een BRIN-code bestaat uit twee cijfers en twee letters, eventueel met een vestigingsnummer van twee cijfers (20AB of 20AB00)."))
        }
    }
}

/// A short name used in links and forms ("dijk-en-waard"): 2 to 40 lower-case
/// letters, digits and hyphens, not starting or ending with a hyphen.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);
text_value!(Slug);

impl Slug {
    pub fn parse(s: &str) -> Ruling<Slug> {
        let t = s.trim().to_lowercase();
        let ok = (2..=40).contains(&t.len())
            && t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !t.starts_with('-')
            && !t.ends_with('-');
        if ok {
            Ok(Slug(t))
        } else {
            Err(Refusal::invalid("Een korte naam heeft 2 tot 40 kleine letters, cijfers of streepjes (bijvoorbeeld dijk-en-waard)."))
        }
    }

    /// A slug made from a name ("Dijk en Waard" -> "dijk-en-waard").
    pub fn from_name(name: &str) -> Ruling<Slug> {
        let mut out = String::new();
        for c in name.trim().to_lowercase().chars() {
            let c = match c {
                'á' | 'à' | 'ä' | 'â' => 'a',
                'é' | 'è' | 'ë' | 'ê' => 'e',
                'í' | 'ì' | 'ï' | 'î' => 'i',
                'ó' | 'ò' | 'ö' | 'ô' => 'o',
                'ú' | 'ù' | 'ü' | 'û' => 'u',
                c => c,
            };
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        Slug::parse(out.trim_end_matches('-'))
    }
}

/// A formation in fte with two decimals ("4,5", "0,44"), read with a comma
/// or a dot; at most 1000 fte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fte(u32);

impl Fte {
    pub fn parse(s: &str) -> Ruling<Fte> {
        let bad = || Refusal::Invalid(format!("'{}' is geen aantal fte (bijvoorbeeld 4,5).", s.trim()));
        let t = s.trim().replace(',', ".");
        let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let w: u32 = whole.parse().map_err(|_| bad())?;
        let f: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        if w > 1000 {
            return Err(bad());
        }
        Ok(Fte(w * 100 + f))
    }

    /// Hundredths of an fte.
    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// From hundredths of an fte, as stored.
    pub fn from_hundredths(h: u32) -> Fte {
        Fte(h)
    }
}

impl std::fmt::Display for Fte {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, c) = (self.0 / 100, self.0 % 100);
        match c {
            0 => write!(f, "{w}"),
            c if c % 10 == 0 => write!(f, "{w},{}", c / 10),
            c => write!(f, "{w},{c:02}"),
        }
    }
}

impl TryFrom<String> for Fte {
    type Error = Refusal;
    fn try_from(s: String) -> Result<Self, Refusal> {
        Fte::parse(&s)
    }
}

impl From<Fte> for String {
    fn from(v: Fte) -> String {
        v.to_string()
    }
}

/// A level chosen on a published scale (0 to 100). Whether it is a level of a
/// particular criterion's scale is that criterion's rule
/// ([`crate::scoring::Scale::contains`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Level(u32);

impl Level {
    pub const MAX: u32 = 100;

    /// Reads a level from a form.
    pub fn parse(s: &str) -> Ruling<Level> {
        s.trim().parse::<u32>().ok().and_then(|n| Level::new(n).ok()).ok_or_else(|| Refusal::invalid("Kies een niveau van de schaal."))
    }

    pub fn new(n: u32) -> Ruling<Level> {
        if n <= Self::MAX {
            Ok(Level(n))
        } else {
            Err(Refusal::invalid("Kies een niveau van de schaal."))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Level {
    type Error = Refusal;
    fn try_from(n: u32) -> Result<Self, Refusal> {
        Level::new(n)
    }
}

impl From<Level> for u32 {
    fn from(l: Level) -> u32 {
        l.0
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_worked_examples_parse_to_their_canonical_form() {
        assert_eq!(Kvk::parse(" 9000.0001 ").unwrap().as_str(), "90000001");
        assert_eq!(Postcode::parse("1811ab").unwrap().as_str(), "1811 AB");
        assert_eq!(Username::parse(" Inkoper1 ").unwrap().as_str(), "inkoper1");
        assert_eq!(Pseudonym::parse(" k ").unwrap().as_str(), "K");
        assert_eq!(Pseudonym::parse("K").unwrap().label(), "Inschrijving K");
        assert_eq!(Email::parse(" info@jhk.example ").unwrap().as_str(), "info@jhk.example");
        assert_eq!(Level::parse("6").unwrap().get(), 6);
    }

    #[test]
    fn what_is_not_a_value_is_refused_with_a_dutch_message() {
        assert_eq!(Kvk::parse("00000000"), Err(Refusal::invalid("Dit KvK-nummer bestaat niet.")));
        assert!(matches!(Kvk::parse("1234567"), Err(Refusal::Invalid(_))));
        assert!(Postcode::parse("0811 AB").is_err(), "no postcode starts with 0");
        assert!(Email::parse("a@b@c.nl").is_err());
        assert!(Email::parse("naam@organisatie").is_err());
        assert!(matches!(Pseudonym::parse("I"), Err(Refusal::NotFound(_))), "I and O are not pseudonym letters");
        assert!(Pseudonym::parse("ABC").is_err());
        assert!(IdempotencyKey::parse("kort").is_err());
        assert!(Level::parse("zes").is_err());
        assert!(Level::parse("101").is_err());
    }

    #[test]
    fn serde_cannot_smuggle_an_unchecked_value_in() {
        assert!(serde_json::from_str::<Kvk>("\"12\"").is_err());
        assert_eq!(serde_json::from_str::<Kvk>("\"90000001\"").unwrap().as_str(), "90000001");
        assert!(serde_json::from_str::<Level>("1000").is_err());
        assert_eq!(serde_json::to_string(&Pseudonym::parse("k").unwrap()).unwrap(), "\"K\"");
    }

    #[test]
    fn only_canonical_texts_come_back_from_storage() {
        assert!(Kvk::from_code("9000 0001").is_none());
        assert!(Kvk::from_code("90000001").is_some());
        assert!(Postcode::from_code("1811ab").is_none());
    }

    #[test]
    fn the_set_up_values_of_a_tender_are_checked() {
        assert_eq!(TenderReference::parse(" JST-PO-2024 ").unwrap().as_str(), "JST-PO-2024");
        assert!(TenderReference::parse("x").is_err());
        assert!(TenderReference::parse("JST PO").is_err());
        assert_eq!(CpvCode::parse("85311300-5").unwrap().as_str(), "85311300-5");
        assert!(CpvCode::parse("85311300").is_err(), "the check digit is part of the code");
        assert!(CpvCode::parse("8531130A-5").is_err());
        assert!(CpvCode::parse("00000000-0").is_err());
        assert_eq!(Brin::parse("20ab").unwrap().as_str(), "20AB");
        assert_eq!(Brin::parse("20AB01").unwrap().as_str(), "20AB01");
        assert!(Brin::parse("2AB0").is_err());
        assert_eq!(Slug::from_name("Dijk en Waard").unwrap().as_str(), "dijk-en-waard");
        assert_eq!(Slug::from_name("Bergen (NH)").unwrap().as_str(), "bergen-nh");
        assert!(Slug::parse("-x").is_err());
        assert_eq!(Fte::parse("4.5").unwrap().to_string(), "4,5");
        assert_eq!(Fte::parse("0,44").unwrap().to_string(), "0,44");
        assert_eq!(Fte::parse("1").unwrap().to_string(), "1");
        assert!(Fte::parse("1,234").is_err());
        assert!(Fte::parse("-1").is_err());
        assert!(Fte::parse("vier").is_err());
    }

    proptest! {
        #[test]
        fn fte_reads_back_what_it_shows(h in 0u32..100_000) {
            let f = Fte::parse(&format!("{}.{:02}", h / 100, h % 100)).unwrap();
            prop_assert_eq!(Fte::parse(&f.to_string()).unwrap(), f);
            prop_assert_eq!(f.hundredths(), h);
        }

        #[test]
        fn a_slug_from_any_name_is_a_slug(s in "\\PC{0,30}") {
            if let Ok(slug) = Slug::from_name(&s) {
                prop_assert_eq!(Slug::parse(slug.as_str()).unwrap(), slug.clone());
            }
        }

        #[test]
        fn every_eight_digit_number_but_zero_is_a_kvk_number_and_round_trips(n in 1u32..100_000_000) {
            let s = format!("{n:08}");
            let k = Kvk::parse(&s).unwrap();
            prop_assert_eq!(k.as_str(), s.as_str());
            prop_assert_eq!(Kvk::from_code(k.as_code()), Some(k));
        }

        #[test]
        fn a_kvk_number_is_always_eight_digits(s in "\\PC{0,20}") {
            if let Ok(k) = Kvk::parse(&s) {
                prop_assert!(k.as_str().len() == 8 && k.as_str().bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn postcodes_normalise_whatever_the_spacing_and_case(d in 1000u32..10000, a in "[a-zA-Z]{2}", spaces in " {0,3}") {
            let p = Postcode::parse(&format!("{spaces}{d}{spaces}{a}{spaces}")).unwrap();
            prop_assert_eq!(p.as_str(), format!("{d} {}", a.to_uppercase()));
            prop_assert_eq!(Postcode::parse(p.as_str()).unwrap(), p.clone());
        }

        #[test]
        fn postcode_parsing_never_panics(s in "\\PC{0,12}") {
            let _ = Postcode::parse(&s);
        }

        #[test]
        fn an_accepted_email_address_has_exactly_one_at_and_no_spaces(s in "\\PC{0,40}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(e.as_str().matches('@').count(), 1);
                prop_assert!(!e.as_str().chars().any(char::is_whitespace));
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e.clone());
            }
        }

        #[test]
        fn user_names_are_lower_case_and_parse_to_themselves(s in "[A-Za-z0-9._-]{3,40}") {
            let u = Username::parse(&s).unwrap();
            prop_assert_eq!(u.as_str(), s.to_lowercase());
            prop_assert_eq!(Username::from_code(u.as_str()), Some(u.clone()));
        }

        #[test]
        fn pseudonyms_are_one_or_two_letters_without_i_and_o(s in "\\PC{0,4}") {
            if let Ok(p) = Pseudonym::parse(&s) {
                prop_assert!((1..=2).contains(&p.as_str().len()));
                prop_assert!(!p.as_str().contains('I') && !p.as_str().contains('O'));
            }
        }

        #[test]
        fn levels_read_back_what_was_written(n in 0u32..=100) {
            prop_assert_eq!(Level::parse(&n.to_string()).unwrap().get(), n);
        }
    }
}
