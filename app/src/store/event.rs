//! Every kind of audit event, one variant per action. The action name, the
//! subject and the payload all come from the variant: the payload is the
//! variant's fields as JSON (Dutch keys, numbers as strings, as RFC 8785
//! would otherwise round them), the subject is its `subject` field.
//!
//! A payload may hold personal data (names, reasons): it is stored apart from
//! the hashed entry and can be erased; the entry keeps only its commitment.

use crate::domain::scoring::Method;
use crate::ids::*;
use crate::domain::values::Pseudonym;
use serde::Serialize;
use serde_json::{Map, Value};

/// What an event is about, as written in the entry ("inschrijving:12").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    Tender(TenderId),
    /// The award method of a tender.
    AwardMethod(TenderId),
    /// An account, by its pseudonym.
    Account(String),
    /// A log-in with a user name nobody has.
    UnknownAccount,
    Organisation(OrganisationId),
    Document(DocumentId),
    QuestionRound(QuestionRoundId),
    Question(QuestionId),
    DialogueRound(DialogueRoundId),
    Slot(SlotId),
    Bid(BidId),
    Opening(OpeningId),
    /// A member of the panel, by their account's pseudonym.
    Evaluator(String),
    Plan(Pseudonym),
    Evaluation(TenderId),
    Award(TenderId),
    Objection(ObjectionId),
    Contract(TenderId),
    /// A gemeente of a tender, by its slug.
    Gemeente(String),
    Audit,
    Demo,
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Tender(t) => write!(f, "tender:{t}"),
            Subject::AwardMethod(t) => write!(f, "aanbesteding:{t}"),
            Subject::Account(p) => write!(f, "account:{p}"),
            Subject::UnknownAccount => write!(f, "account:onbekend"),
            Subject::Organisation(o) => write!(f, "organisatie:{o}"),
            Subject::Document(d) => write!(f, "document:{d}"),
            Subject::QuestionRound(r) => write!(f, "vragenronde:{r}"),
            Subject::Question(q) => write!(f, "vraag:{q}"),
            Subject::DialogueRound(r) => write!(f, "dialoogronde:{r}"),
            Subject::Slot(s) => write!(f, "tijdslot:{s}"),
            Subject::Bid(b) => write!(f, "inschrijving:{b}"),
            Subject::Opening(o) => write!(f, "opening:{o}"),
            Subject::Evaluator(p) => write!(f, "beoordelaar:{p}"),
            Subject::Plan(p) => write!(f, "plan:{p}"),
            Subject::Evaluation(t) => write!(f, "beoordeling:{t}"),
            Subject::Award(t) => write!(f, "gunning:{t}"),
            Subject::Objection(o) => write!(f, "bezwaar:{o}"),
            Subject::Contract(t) => write!(f, "contract:{t}"),
            Subject::Gemeente(g) => write!(f, "gemeente:{g}"),
            Subject::Audit => write!(f, "audit"),
            Subject::Demo => write!(f, "demo"),
        }
    }
}

/// Defines [`Event`]: each variant gets a `subject` (not part of the
/// payload), its action name, and its fields as the payload.
macro_rules! events {
    ($( $(#[$meta:meta])* $variant:ident = $action:literal { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? } ),+ $(,)?) => {
        /// One audit event.
        #[derive(Clone, Debug, Serialize)]
        #[serde(untagged)]
        pub enum Event {
            $( $(#[$meta])* $variant {
                #[serde(skip)]
                subject: Subject,
                $( $(#[$fmeta])* $field: $ty, )*
            }, )+
        }

        impl Event {
            /// Every action name, in declaration order.
            pub const ACTIONS: &'static [&'static str] = &[$($action),+];

            /// The action name ("bid.submitted").
            pub fn action(&self) -> &'static str {
                match self { $( Event::$variant { .. } => $action, )+ }
            }

            pub fn subject(&self) -> &Subject {
                match self { $( Event::$variant { subject, .. } => subject, )+ }
            }
        }
    };
}

/// A part of a submitted bid, as its event and the proces-verbaal list it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartLine {
    pub envelop: String,
    pub naam: String,
    pub grootte: String,
    pub sha256: String,
}

/// School counts of the seeded tender.
#[derive(Clone, Debug, Serialize)]
pub struct SchoolCount {
    #[serde(rename = "type")]
    pub kind: String,
    pub aantal: String,
}

/// A gemeente's share inputs.
#[derive(Clone, Debug, Serialize)]
pub struct ShareLine {
    pub gemeente: String,
    pub scholen: String,
    pub sleutel: String,
}

/// One consensus score as the lock records it.
#[derive(Clone, Debug, Serialize)]
pub struct ScoreLine {
    pub plan: String,
    pub criterium: String,
    pub niveau: String,
    pub motivering: String,
}

/// One evaluator's locked sheet as the consensus lock records it.
#[derive(Clone, Debug, Serialize)]
pub struct SheetLine {
    pub beoordelaar: String,
    pub scoreformulier_sha256: String,
    pub scores: Vec<ScoreLine>,
}

/// A pseudonym and the bid it stood for, revealed at the lock.
#[derive(Clone, Debug, Serialize)]
pub struct Assignment {
    pub pseudoniem: String,
    pub inschrijving: String,
    pub organisatie: String,
}

/// A part of a bid's quality plan, revealed at the consensus lock.
#[derive(Clone, Debug, Serialize)]
pub struct PlanPartLine {
    pub inschrijving: String,
    pub onderdeel: String,
    pub grootte: String,
    pub sha256: String,
}

/// An opened price.
#[derive(Clone, Debug, Serialize)]
pub struct PriceLine {
    pub pseudoniem: String,
    pub prijs_cent: Option<String>,
}

/// A place in the ranking.
#[derive(Clone, Debug, Serialize)]
pub struct RankLine {
    pub plaats: String,
    pub pseudoniem: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totaal: Option<String>,
}

/// A letter as sent.
#[derive(Clone, Debug, Serialize)]
pub struct LetterLine {
    pub organisatie: String,
    pub sha256: String,
}

/// Why a log-in failed.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum LoginFailure {
    UnknownUser { username: String, reden: &'static str },
    Locked { reden: &'static str },
    Refused { reden: &'static str, geblokkeerd_tot: Option<String> },
}

events! {
    // Accounts and log-ins.
    AccountCreated = "account.created" {
        username: String,
        naam: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    PasswordChanged = "account.password_changed" {},
    /// An invitation link went out by e-mail (the token itself is never stored).
    AccountInvited = "account.invited" { geldig_tot: String, vervangt_eerdere: bool },
    InvitationAccepted = "account.invitation_accepted" {},
    AccountDeactivated = "account.deactivated" {},
    AccountReactivated = "account.reactivated" {},
    /// Name, e-mail and user name replaced (AVG); the payloads about the account are erased apart.
    AccountAnonymised = "account.anonymised" {},
    RightsChanged = "account.rights_changed" { beheerder: bool, aanbestedingen_aanmaken: bool },
    SecondFactorEnrolled = "account.second_factor_enrolled" { herstelcodes: String },
    SecondFactorReset = "account.second_factor_reset" {},
    RoleRevoked = "role.revoked" {
        #[serde(skip)]
        tender: TenderId,
        rol: String,
        organisatie: Option<String>,
    },
    RoleGranted = "role.granted" {
        #[serde(skip)]
        tender: TenderId,
        rol: String,
        organisatie: Option<String>,
    },
    Login = "auth.login" {
        /// How the second factor was given ("totp", "herstelcode"); absent without one.
        #[serde(skip_serializing_if = "Option::is_none")]
        factor: Option<&'static str>,
    },
    /// The password was right; the second factor is asked next.
    PasswordAccepted = "auth.password_accepted" {},
    LoginFailed = "auth.login_failed" {
        #[serde(flatten)]
        why: LoginFailure,
    },
    Logout = "auth.logout" {},

    // The audit log itself.
    Checkpoint = "audit.checkpoint" { grootte_voor: String },
    /// A procurement dossier was downloaded whole: the ZIP's own SHA-256
    /// and size, so a copy can be tied to this moment.
    DossierDownloaded = "dossier.downloaded" { sha256: String, bytes: String, bestanden: String },
    /// The erasure procedure (`domain::audit::ERASURE_ACTION`): one event in
    /// each tender whose events it erased, and one outside tenders for the
    /// rest, so every export that holds an erased event also holds the event
    /// that names it.
    /// The operator gave an account a new one-time password (its second
    /// factor removed, its sessions ended).
    AccountRecovered = "account.recovered" {},
    PayloadErased = "audit.payload_erased" {
        #[serde(skip)]
        tender: Option<TenderId>,
        events: Vec<String>,
        reden: String,
    },
    RollbackAccepted = "audit.rollback_accepted" { melding: String },
    DemoSeeded = "demo.seeded" { accounts: Vec<String> },

    // Organisations.
    OrganisationRegistered = "organisation.registered" {
        /// The tender a demo organisation is registered for at once.
        #[serde(skip)]
        tender: Option<TenderId>,
        kvk: String,
        naam: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        demo: Option<bool>,
    },
    BidderRegistered = "bidder.registered" {
        #[serde(skip)]
        tender: TenderId,
        kvk: String,
    },

    // The tender and its procedure.
    TenderSeeded = "tender.seeded" {
        #[serde(skip)]
        tender: TenderId,
        referentie: String,
        titel: String,
        gemeenten: Vec<String>,
        partners: Vec<String>,
        scholen: Vec<SchoolCount>,
        pilotscholen: Vec<String>,
        publicatie_gepland: String,
        contract_start: String,
        initiele_einddatum: String,
        maximale_einddatum: String,
        opties_jaren: Vec<String>,
        sluitingstermijn: String,
        vragentermijn_ronde_1: String,
    },
    TenderCreated = "tender.created" {
        #[serde(skip)]
        tender: TenderId,
        referentie: String,
        titel: String,
        procedure: String,
        cpv: Option<String>,
        geraamde_waarde_cent: Option<String>,
        /// The reference of the tender this one copies, if any.
        kopie_van: Option<String>,
        oefenen: bool,
    },
    /// What a copy took over from its template.
    TemplateCopied = "tender.copied_from_template" {
        #[serde(skip)]
        tender: TenderId,
        bron: String,
        verschuiving_dagen: String,
        looptijd_jaren_verschoven: String,
        gemeenten: Vec<String>,
        scholen: String,
        documenten: Vec<String>,
    },
    DetailsSaved = "tender.details_saved" {
        titel: String,
        omschrijving_sha256: String,
        procedure: String,
        cpv: Option<String>,
        geraamde_waarde_cent: Option<String>,
        drempel: String,
    },
    BuyerAdded = "tender.buyer_added" { naam: String },
    BuyerRemoved = "tender.buyer_removed" { naam: String },
    PartnersSet = "tender.partners_set" { partners: Vec<String> },
    SchoolsImported = "tender.schools_imported" { scholen: String, pilotscholen: String, sha256: String, per_gemeente: Vec<String> },
    SchoolAdded = "tender.school_added" { school: String, naam: String, brin: Option<String>, soort: String, gemeente: String, pilot: bool },
    SchoolRemoved = "tender.school_removed" { school: String, naam: String, aantal: String },
    ProfilesSet = "tender.profiles_set" { profielen: Vec<String>, formatie: Vec<String> },
    TermSet = "contract.term_set" {
        contract_start: String,
        initiele_einddatum: String,
        opties_jaren: Vec<String>,
        beslistermijn_maanden: String,
        maximale_einddatum: String,
    },
    PartsSet = "tender.parts_set" { onderdelen: Vec<String> },
    /// A suspension or its end asked by one inkoper, for a second to confirm.
    PhaseChangeRequested = "tender.phase_change_requested" { van: String, naar: String, reden: String },
    PhaseChanged = "tender.phase_changed" { van: String, naar: String, reden: String, tijdstip_aanbesteding: String },
    CalendarPlanned = "tender.calendar_planned" {
        publicatie: String,
        sluitingstermijn: String,
        gunning_gepland: Option<String>,
        ondertekening_gepland: Option<String>,
    },
    TrainingClockSet = "training.clock_set" { van: String, naar: String },
    TermsSet = "tender.terms_set" { standstill_dagen: String, weekend_verschuift: bool, beslistermijn_opties_maanden: String },
    SharesSet = "tender.shares_set" { regel: String, budget_cent: Option<String>, per_gemeente: Vec<ShareLine> },
    SubmissionClosed = "submission.closed" { sluitingstermijn: String, ingediende_inschrijvingen: String },
    /// The deadline extended because the hour before it showed an outage or
    /// failed uploads: the evidence in instants and counts, never who.
    DeadlineExtendedForOutage = "submission.extended_for_outage" {
        sluitingstermijn_oud: String,
        sluitingstermijn_nieuw: String,
        nvi: String,
        bewijs: String,
        heropend: bool,
    },

    // Documents.
    DocumentCreated = "document.created" { titel: String, soort: String },
    VersionAdded = "document.version_added" { versie: String, sha256: String, nvi: Option<String> },

    // Questions and the Nota van Inlichtingen.
    QuestionRoundCreated = "nvi.round_created" { titel: String, vragentermijn: String },
    QuestionAsked = "nvi.question_asked" { ronde: String, gesteld_op: String },
    AnswerDrafted = "nvi.answer_drafted" {},
    QuestionsMerged = "nvi.questions_merged" { samengevoegd_met: String },
    PointAdded = "nvi.point_added" { ronde: String, referentie: String },
    QuestionsClosed = "nvi.questions_closed" { termijn: String, gesloten_op_tijd_aanbesteding: String },
    NviPublished = "nvi.published" {
        nummer: String,
        vragen: String,
        ontvangers: String,
        sluitingstermijn_oud: Option<String>,
        sluitingstermijn_nieuw: Option<String>,
        gepubliceerd_op: String,
    },

    // Dialogue.
    DialogueRoundCreated = "dialogue.round_created" { nummer: String, titel: String },
    SlotAdded = "dialogue.slot_added" { ronde: String, begin: String, einde: String },
    SlotBooked = "dialogue.slot_booked" { organisatie: String },
    MinutesWritten = "dialogue.minutes_written" { sha256: String },
    MinutesConfirmed = "dialogue.minutes_confirmed" {},
    MinutesCommented = "dialogue.minutes_commented" {},
    DialogueRoundClosed = "dialogue.round_closed" { afgevallen: Vec<String> },

    // The award method and the gemeenten.
    MethodSaved = "award.method_saved" { sha256: String, complete: bool, methode: Method, prijsonderdeel: bool },
    GemeenteWithdrawn = "gemeente.withdrawn" { reden: String, besluit: String, vastgelegd_door: String },
    GemeenteSigned = "gemeente.signed" { besluit: String, vastgelegd_door: String },

    // Bids and the opening.
    PartStored = "bid.part_stored" { onderdeel: String, sha256: String, grootte: String },
    PartReplaced = "bid.part_replaced" { onderdeel: String, sha256: String, grootte: String },
    PartRemoved = "bid.part_removed" { onderdeel: String },
    BidSubmitted = "bid.submitted" {
        inschrijving: String,
        indiening: String,
        ontvangen_op: String,
        onderdelen: Vec<PartLine>,
        /// The digest of everything the receipt shows (`domain::receipt::shown_digest`).
        bevestiging: String,
    },
    BidWithdrawn = "bid.withdrawn" { ingetrokken_op: String },
    /// A key holder set (or changed) the passphrase of their sealing key.
    /// Replaced: a new key for a forgotten passphrase; the shares of the old one no longer open.
    SealingKeySet = "account.sealing_key_set" { vingerafdruk: String, gewijzigd: bool, vervangen: bool },
    /// At publication: the key the bids are sealed to, and who holds its shares.
    EnvelopeKeyCreated = "sealing.key_created" {
        publieke_sleutel: String,
        vingerafdruk: String,
        enveloppen: String,
        sleutelhouders: Vec<String>,
        nodig_voor_opening: String,
    },
    /// A holder showed that their share opens with their passphrase.
    KeyShareProved = "sealing.share_proved" { vingerafdruk: String },
    KeyRehearsalStarted = "sealing.rehearsal_started" { vingerafdruk: String },
    /// Two holders recovered the key and opened the test envelope (or not).
    KeyRehearsed = "sealing.rehearsed" { vingerafdruk: String, sleutelhouders: Vec<String>, geslaagd: bool },
    OpeningStarted = "opening.started" { gestart_op: String },
    OpeningConfirmed = "opening.confirmed" {
        /// The proces-verbaal van opening.
        #[serde(flatten)]
        record: Map<String, Value>,
    },

    // The evaluation.
    EvaluatorAppointed = "evaluation.evaluator_appointed" { naam: String, voorzitter: bool, rol_toegekend: bool },
    ChairSet = "evaluation.chair_set" { naam: String },
    EvaluatorReplaced = "evaluation.evaluator_replaced" { naam: String, reden: String, vervanger: String },
    DeclarationSigned = "evaluation.declaration_signed" { belangen: String },
    DeclarationChecked = "evaluation.declaration_checked" { uitkomst: String, toelichting: String, getoetst_tegen: Vec<String> },
    PlanFlagged = "evaluation.plan_flagged" { melding: String },
    FlagDecided = "evaluation.flag_decided" { besluit: String, motivering: String },
    /// The level itself stays out of the trail until the consensus is locked.
    ScoreSaved = "evaluation.score_saved" { criterium: String },
    ScoreChanged = "evaluation.score_changed" { criterium: String },
    SheetLocked = "evaluation.sheet_locked" { scoreformulier_sha256: String, plannen: Vec<String> },
    ConsensusOpened = "evaluation.consensus_opened" { beoordelaars: Vec<String> },
    ConsensusSaved = "evaluation.consensus_saved" { criterium: String, niveau: String, motivering: String, toelichting: String },
    ConsensusLocked = "evaluation.consensus_locked" { consensus: Vec<ScoreLine>, scoreformulieren: Vec<SheetLine> },
    PseudonymsResolved = "evaluation.pseudonyms_resolved" {
        zout: String,
        commitment: String,
        toewijzing: Vec<Assignment>,
        /// Each bid's quality plan, whose salted commitment the proces-verbaal
        /// holds (`domain::evaluation::plan_commitment`), now in the open.
        kwaliteitsplannen: Vec<PlanPartLine>,
    },
    PricesOpened = "bid.prices_opened" {
        envelop: String,
        prijzen: Vec<PriceLine>,
        rangorde: Vec<RankLine>,
        onbesliste_gelijke_stand: Option<(String, String)>,
    },
    LotRecorded = "evaluation.lot_recorded" { volgorde: Vec<String>, rangorde: Vec<RankLine> },

    // The award decision, objections and the contract.
    AdvantagesSaved = "award.advantages_saved" { tekst: String },
    LetterNoteSaved = "award.letter_note_saved" { tekst: String },
    DecisionSent = "award.decision_sent" {
        verzonden_op: String,
        standstill_eerste_dag: String,
        standstill_laatste_dag: String,
        standstill_einde: String,
        brieven: Vec<LetterLine>,
    },
    LetterRead = "award.letter_read" { sha256: Option<String> },
    ObjectionRegistered = "award.objection_registered" { soort: String, ingediend_door: String, ontvangen_op: String, omschrijving: String },
    ObjectionDecided = "award.objection_decided" { uitkomst: String, toelichting: String },
    OptionExercised = "contract.option_exercised" {
        optie: String,
        verlenging: String,
        beslistermijn: String,
        besluit: String,
        toelichting: String,
        nieuwe_einddatum: String,
    },
    OptionDeclined = "contract.option_declined" {
        optie: String,
        verlenging: String,
        beslistermijn: String,
        besluit: String,
        toelichting: String,
        nieuwe_einddatum: String,
    },
}

impl Event {
    /// The details as stored (and committed to by the entry's hash).
    pub fn payload(&self) -> Value {
        serde_json::to_value(self).expect("an event serialises")
    }

    /// The tender an event names itself, when an operation outside that
    /// tender records it (a role granted while an account is created).
    pub fn tender(&self) -> Option<TenderId> {
        match self {
            Event::RoleGranted { tender, .. }
            | Event::RoleRevoked { tender, .. }
            | Event::BidderRegistered { tender, .. }
            | Event::TenderSeeded { tender, .. }
            | Event::TenderCreated { tender, .. }
            | Event::TemplateCopied { tender, .. } => Some(*tender),
            Event::OrganisationRegistered { tender, .. } | Event::PayloadErased { tender, .. } => *tender,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_the_fields_without_subject_or_tender() {
        let e = Event::RoleGranted { subject: Subject::Account("p-1".into()), tender: TenderId(3), rol: "inkoper".into(), organisatie: None };
        assert_eq!(e.action(), "role.granted");
        assert_eq!(e.subject().to_string(), "account:p-1");
        assert_eq!(e.tender(), Some(TenderId(3)));
        assert_eq!(e.payload(), serde_json::json!({ "rol": "inkoper", "organisatie": null }));
        let e = Event::Login { subject: Subject::Account("p-1".into()), factor: None };
        assert_eq!(e.payload(), serde_json::json!({}));
        let e = Event::LoginFailed {
            subject: Subject::Account("p-1".into()),
            why: LoginFailure::Refused { reden: "onjuist wachtwoord", geblokkeerd_tot: None },
        };
        assert_eq!(e.payload(), serde_json::json!({ "reden": "onjuist wachtwoord", "geblokkeerd_tot": null }));
        let mut record = Map::new();
        record.insert("kenmerk".into(), "JST".into());
        let e = Event::OpeningConfirmed { subject: Subject::Opening(OpeningId(1)), record };
        assert_eq!(e.payload(), serde_json::json!({ "kenmerk": "JST" }));
    }

    #[test]
    fn every_action_name_is_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for a in Event::ACTIONS {
            assert!(seen.insert(*a), "{a} twice");
        }
    }
}
