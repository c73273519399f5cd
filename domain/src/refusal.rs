//! Why a rule says no. A rule decides what kind of "no" it is (the input is
//! wrong, the procedure does not allow it now, this person may not, it does
//! not exist), so the layers above only translate the kind into a status and
//! never choose it themselves.

use serde::{Deserialize, Serialize};

/// A refusal with the Dutch message the person reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    /// The input itself is not acceptable (too long, empty, not a number).
    #[error("{0}")]
    Invalid(String),
    /// The input is fine, but the state of the procedure does not allow it now.
    #[error("{0}")]
    Conflict(String),
    /// This person may not do it, whatever the state.
    #[error("{0}")]
    Forbidden(String),
    /// What is asked for does not exist (or is not theirs to know of).
    #[error("{0}")]
    NotFound(String),
}

impl Refusal {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Refusal::Invalid(msg.into())
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        Refusal::Conflict(msg.into())
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Refusal::Forbidden(msg.into())
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Refusal::NotFound(msg.into())
    }

    /// The message, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            Refusal::Invalid(m) | Refusal::Conflict(m) | Refusal::Forbidden(m) | Refusal::NotFound(m) => m,
        }
    }
}

/// What a rule answers: the value, or why not.
pub type Ruling<T = ()> = Result<T, Refusal>;

/// `Ok(())` when `ok`, else a refusal of the kind `kind` makes of `msg`.
pub fn require(ok: bool, kind: fn(String) -> Refusal, msg: impl Into<String>) -> Ruling {
    if ok {
        Ok(())
    } else {
        Err(kind(msg.into()))
    }
}

/// A free text from a form, trimmed, of at most `max` characters; `what`
/// names it in the message ("De reden").
pub fn text_up_to(s: &str, max: usize, what: &str) -> Ruling<String> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Refusal::Invalid(format!("{what} is te lang (hoogstens {max} tekens).")));
    }
    Ok(t.to_string())
}

/// Like [`text_up_to`], and not empty.
pub fn required_text(s: &str, max: usize, what: &str) -> Ruling<String> {
    let t = text_up_to(s, max, what)?;
    if t.is_empty() {
        return Err(Refusal::Invalid(format!("{what} is leeg.")));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_counted_in_characters_not_bytes() {
        assert_eq!(text_up_to("  één  ", 3, "De naam"), Ok("één".into()));
        assert_eq!(text_up_to("vier", 3, "De naam"), Err(Refusal::Invalid("De naam is te lang (hoogstens 3 tekens).".into())));
        assert_eq!(required_text("   ", 10, "De reden"), Err(Refusal::Invalid("De reden is leeg.".into())));
    }
}
