//! What names a bidder in its own quality plan: the terms the opening
//! searches every plan for before anyone evaluates it.

/// What names a bidder: its name (also without its legal form), its KvK
/// number and its members' e-mail addresses and names. Short fragments are
/// left out: they would match by chance.
pub fn identifying_terms(name: &str, kvk: &str, people: &[String]) -> Vec<String> {
    let mut out = vec![];
    let mut push = |s: &str| {
        let s = s.trim().trim_matches(|c: char| c == ',' || c == '.').trim().to_string();
        if s.chars().count() >= 5 && !out.iter().any(|x: &String| x.eq_ignore_ascii_case(&s)) {
            out.push(s);
        }
    };
    push(name);
    let core = name.split('(').next().unwrap_or(name);
    let mut words: Vec<&str> = core.split_whitespace().collect();
    const FORMS: [&str; 8] = ["b.v.", "bv", "n.v.", "u.a.", "stichting", "coöperatie", "vereniging", "v.o.f."];
    words.retain(|w| !FORMS.contains(&w.to_lowercase().as_str()));
    // A single short word ("Noord") would match plans that merely mention a region.
    let core = words.join(" ");
    if words.len() > 1 || core.chars().count() >= 8 {
        push(&core);
    }
    push(kvk);
    for e in people {
        push(e);
    }
    out
}

/// What kind of identifying term was found, as the flag for the inkoper says it.
pub fn kind_of_term(term: &str, kvk: &str) -> &'static str {
    if term == kvk {
        "het KvK-nummer van de inschrijver"
    } else if term.contains('@') {
        "een e-mailadres van de inschrijver"
    } else {
        "een naam van de inschrijver of een medewerker"
    }
}

/// A finding of references to outside a document (links, linked pictures):
/// opening one may tell their owner that, and when, someone reads it.
pub fn external_references(n: usize) -> String {
    match n {
        1 => "1 verwijzing naar iets buiten het document (een link of een afbeelding op internet)".into(),
        n => format!("{n} verwijzingen naar iets buiten het document (links of afbeeldingen op internet)"),
    }
}

/// The note of the flag the opening raises when a plan contains `found`.
pub fn opening_flag_note(found: &[String]) -> String {
    format!(
        "Automatische controle bij de opening: het plan bevat {}. Beoordeel of het de inschrijver herkenbaar maakt.",
        found.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bidder_is_named_by_its_name_without_legal_form_its_kvk_number_and_its_people() {
        let terms = identifying_terms("Jeugdhulp Kennemerland B.V. (demo)", "90000001", &["info@jhk.example".into()]);
        assert_eq!(terms, ["Jeugdhulp Kennemerland B.V. (demo)", "Jeugdhulp Kennemerland", "90000001", "info@jhk.example"]);
        assert_eq!(identifying_terms("Stichting Noord", "12345678", &[]), ["Stichting Noord", "12345678"], "'Noord' alone is too short");
        assert_eq!(kind_of_term("90000001", "90000001"), "het KvK-nummer van de inschrijver");
        assert_eq!(kind_of_term("info@jhk.example", "90000001"), "een e-mailadres van de inschrijver");
    }
}
