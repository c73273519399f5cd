//! The facts of the seeded tender "Jeugd- en Schoolteam VO regio Alkmaar" and the
//! per-gemeente participation status.

crate::coded_enum! {
    /// A gemeente's participation in the procurement.
    pub enum Participation {
        Deelnemend = "deelnemend",
        Teruggetrokken = "teruggetrokken",
        Ondertekend = "ondertekend",
    }
}

pub struct Gemeente {
    pub slug: &'static str,
    pub name: &'static str,
}

pub const TENDER_TITLE: &str = "Jeugd- en Schoolteam VO regio Alkmaar";
pub const TENDER_REFERENCE: &str = "JST-VO-2023";

pub const GEMEENTEN: [Gemeente; 6] = [
    Gemeente { slug: "alkmaar", name: "Alkmaar" },
    Gemeente { slug: "bergen", name: "Bergen (NH)" },
    Gemeente { slug: "castricum", name: "Castricum" },
    Gemeente { slug: "dijk-en-waard", name: "Dijk en Waard" },
    Gemeente { slug: "heiloo", name: "Heiloo" },
    Gemeente { slug: "uitgeest", name: "Uitgeest" },
];

pub const PARTNERS: [&str; 2] = [
    "Samenwerkingsverband VO Noord-Kennemerland",
    "Samenwerkingsverband VO Midden-Kennemerland",
];

/// School types in scope with their counts (names only where the region gave them).
pub const SCHOOL_COUNTS: [(&str, u32); 4] = [
    ("Regulier voortgezet onderwijs (VO)", 22),
    ("Voortgezet speciaal onderwijs (VSO)", 4),
    ("Praktijkonderwijs (PrO)", 2),
    ("Europese school", 1),
];

/// The pilot schools named in the region's plan, with their place or region.
pub const PILOT_SCHOOLS: [(&str, &str); 8] = [
    ("De Spinaker", "Alkmaar"),
    ("Stedelijk Dalton College", "Alkmaar"),
    ("Jan Arentsz", "Alkmaar"),
    ("PCC Oosterhout", "Noord-Kennemerland"),
    ("Focus", "Noord-Kennemerland"),
    ("Vonk", "Castricum"),
    ("Jac. P. Thijsse College", "Midden-Kennemerland"),
    ("Bonhoeffer College", "Midden-Kennemerland"),
];

pub const TEAM_PROFILES: [(&str, &str); 3] = [
    ("Jeugd- en Schoolcoach", "voorheen Jeugd- en Gezinscoach VO"),
    ("Gedragsdeskundige / gedragswetenschapper JGGZ-VO", ""),
    ("Preventief ambulant medewerker VO", "profiel in ontwikkeling op 5 pilotscholen in 2023/2024"),
];

/// Formation figures in the plan (fte): (profile, region, current, extension).
pub const FORMATION: [(&str, &str, &str, &str); 7] = [
    ("Jeugd- en Gezinscoach VO", "regio", "4.5", "0"),
    ("Jeugd- en Gezinscoach VO", "Noord-Kennemerland", "0", "1.6"),
    ("Jeugd- en Gezinscoach VO", "Midden-Kennemerland", "0", "1.0"),
    ("Gedragswetenschapper VO-team", "regio", "0.44", "0.56"),
    ("Gedragswetenschapper JGGZ-VO", "Noord-Kennemerland", "0.67", "0.78"),
    ("Gedragswetenschapper JGGZ-VO", "Midden-Kennemerland", "0.33", "0"),
    ("Preventief ambulant jeugdhulpverlener VO", "Noord-Kennemerland (5 pilotscholen)", "4.4", "0"),
];

pub fn total_schools() -> u32 {
    SCHOOL_COUNTS.iter().map(|(_, n)| n).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_has_29_schools_and_8_named_pilots() {
        assert_eq!(total_schools(), 29);
        assert_eq!(PILOT_SCHOOLS.len(), 8);
        assert_eq!(GEMEENTEN.len(), 6);
    }
}
