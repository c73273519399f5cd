//! The password rule: one place for the server check, the configured first
//! password and the form's hints.

/// OWASP ASVS asks for at least 8 characters (15 recommended) and allows 64;
/// Dialoog asks for 12.
/// The shortest sealing passphrase (it guards a share of a tender's key).
pub const SEALING_MIN_LEN: usize = 12;
pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 64;

/// Whether a new password has an acceptable length; else the Dutch reason.
pub fn check_length(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if (MIN_LEN..=MAX_LEN).contains(&n) {
        Ok(())
    } else {
        Err(format!("moet {MIN_LEN} tot {MAX_LEN} tekens lang zijn"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_of_12_to_64_characters_is_accepted() {
        assert!(check_length(&"a".repeat(11)).is_err());
        assert!(check_length(&"a".repeat(12)).is_ok());
        assert!(check_length(&"é".repeat(64)).is_ok(), "counted in characters, not bytes");
        assert!(check_length(&"a".repeat(65)).is_err());
    }
}
