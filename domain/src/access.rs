//! Who may do what: one table of (role, phase, action), checked on the server for
//! every server function and route. The UI only hides what this table forbids.

use serde::{Deserialize, Serialize};

crate::coded_enum! {
    /// A role a user holds in one tender.
    pub enum Role {
        Inkoper = "inkoper",
        Beoordelaar = "beoordelaar",
        Aanbieder = "aanbieder",
        Gemeente = "gemeente",
        Waarnemer = "waarnemer",
    }
}

impl Role {
    /// How the role is named to a user.
    pub fn label(self) -> &'static str {
        match self {
            Role::Inkoper => "Inkoper / contractmanager",
            Role::Beoordelaar => "Beoordelaar",
            Role::Aanbieder => "Aanbieder",
            Role::Gemeente => "Vertegenwoordiger gemeente",
            Role::Waarnemer => "Waarnemer",
        }
    }
}

crate::coded_enum! {
    /// The phase a tender is in.
    pub enum Phase {
        Concept = "concept",
        Gepubliceerd = "gepubliceerd",
        Dialoog = "dialoog",
        Inschrijving = "inschrijving",
        Geopend = "geopend",
        Beoordeling = "beoordeling",
        Gunningsvoornemen = "gunningsvoornemen",
        Standstill = "standstill",
        Gegund = "gegund",
        Ondertekend = "ondertekend",
        Contract = "contract",
        Ingetrokken = "ingetrokken",
        Opgeschort = "opgeschort",
    }
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Concept => "Concept",
            Phase::Gepubliceerd => "Gepubliceerd",
            Phase::Dialoog => "Dialoogfase",
            Phase::Inschrijving => "Inschrijving open",
            Phase::Geopend => "Inschrijvingen geopend",
            Phase::Beoordeling => "Beoordeling",
            Phase::Gunningsvoornemen => "Gunningsvoornemen",
            Phase::Standstill => "Standstill (Alcateltermijn)",
            Phase::Gegund => "Gegund",
            Phase::Ondertekend => "Ondertekend",
            Phase::Contract => "Contract loopt",
            Phase::Ingetrokken => "Ingetrokken",
            Phase::Opgeschort => "Opgeschort",
        }
    }

    /// What a button that moves a tender into this phase says: a verb, in
    /// plain Dutch ("Publiceren", not the name of the state).
    pub fn action_label(self) -> &'static str {
        match self {
            Phase::Concept => "Terugzetten naar concept",
            Phase::Gepubliceerd => "Publiceren",
            Phase::Dialoog => "Dialoogfase starten",
            Phase::Inschrijving => "Inschrijving openen",
            Phase::Geopend => "Inschrijvingen openen",
            Phase::Beoordeling => "Beoordeling starten",
            Phase::Gunningsvoornemen => "Gunningsvoornemen vaststellen",
            Phase::Standstill => "Standstilltermijn starten",
            Phase::Gegund => "Definitief gunnen",
            Phase::Ondertekend => "Ondertekening vastleggen",
            Phase::Contract => "Contract laten ingaan",
            Phase::Ingetrokken => "Aanbesteding intrekken",
            Phase::Opgeschort => "Aanbesteding opschorten",
        }
    }
}

/// Something a user asks to do within a tender.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Read the tender overview (phase, dates, buyers, scope, term).
    ViewTender,
    /// Read the audit trail and its live verification.
    ViewAuditTrail,
    /// Download the audit trail as JSON Lines.
    ExportAuditTrail,
    /// Write a signed checkpoint of the audit log now.
    WriteCheckpoint,
    /// Move the tender between phases, plan its calendar, set a training clock.
    ManageProcedure,
    /// Read the tender documents and their history.
    ViewDocuments,
    /// Write or upload documents (before publication; afterwards only through an NvI).
    EditDocuments,
    /// Ask a question in an open question round.
    AskQuestion,
    /// Read published Notas van Inlichtingen.
    ViewNvi,
    /// See questions with their askers, draft answers, publish an NvI.
    ManageNvi,
    /// Create dialogue rounds and slots, write minutes, close rounds.
    ManageDialogue,
    /// See the dialogue rounds (a bidder: its own slots and minutes).
    ViewDialogue,
    /// Book a dialogue slot, confirm or comment on minutes.
    JoinDialogue,
    /// Prepare a bid: upload and replace parts.
    PrepareBid,
    /// Submit, withdraw and resubmit a bid.
    SubmitBid,
    /// See which bids arrived and when (never their content).
    ViewArrivals,
    /// Start or confirm the four-eyes opening.
    OpenBids,
    /// Read the proces-verbaal van opening.
    ViewOpeningRecord,
    /// Read the content of submitted bid parts (only after the opening).
    ReadBidContent,
    /// Invite colleagues to one's own organisation.
    ManageOrganisation,
    /// Read the award method (criteria, scales, price method, tie-break).
    ViewAwardMethod,
    /// Edit the award method (before publication only).
    ManageAwardMethod,
    /// Rank invented bids by the award method (a rehearsal, nothing is stored).
    SimulateAward,
    /// Withdraw a gemeente from the procurement (its representative, or the
    /// inkoper on its behalf), until that gemeente signs.
    WithdrawGemeente,
    /// Sign the agreement for a gemeente.
    SignGemeente,
    /// Set the share rule, the budget and each gemeente's schools and key (before publication).
    ManageShares,
    /// See the evaluation: the panel, progress, and (by the visibility rules of
    /// `domain::evaluation`) score sheets and the consensus matrix.
    ViewEvaluation,
    /// Appoint and replace evaluators and the chair, check conflict-of-interest
    /// declarations, decide on identification flags, record a lot.
    ManageEvaluation,
    /// Sign one's own conflict-of-interest declaration.
    SignDeclaration,
    /// Read the pseudonymised quality plans, score them, lock one's sheet, flag a
    /// plan that identifies its bidder; the chair also records the consensus.
    Evaluate,
    /// Prepare and send the gunningsbeslissing (the letters to every bidder).
    PrepareAward,
    /// Read the award letters that were sent, and their read status.
    ViewAwardLetters,
    /// A bidder reads its own award letter.
    ReadAwardLetter,
    /// Register an objection or kort geding (suspends the tender) and record its outcome.
    ManageObjections,
    /// See the contract: parties, term, options.
    ViewContract,
    /// Exercise or decline the extension options, set the notice period.
    ManageContract,
    /// Set the tender up before publication: its details, buyers, partners,
    /// schools, profiles, contract term and the parts of a bid.
    SetUpTender,
    /// See and change the tender's team: inkopers, waarnemers and the
    /// representatives of the gemeenten (the panel has its own action).
    ManageTeam,
    /// Use the tender as the template of a new one (with the right to create tenders).
    CopyTender,
    /// See the data of the tender's notices for TenderNed (eForms).
    ViewNotices,
}

impl Action {
    pub const ALL: [Action; 40] = [
        Action::ViewTender, Action::ViewAuditTrail, Action::ExportAuditTrail, Action::WriteCheckpoint,
        Action::ManageProcedure, Action::ViewDocuments, Action::EditDocuments, Action::AskQuestion,
        Action::ViewNvi, Action::ManageNvi, Action::ManageDialogue, Action::ViewDialogue,
        Action::JoinDialogue, Action::PrepareBid, Action::SubmitBid, Action::ViewArrivals,
        Action::OpenBids, Action::ViewOpeningRecord, Action::ReadBidContent, Action::ManageOrganisation,
        Action::ViewAwardMethod, Action::ManageAwardMethod, Action::SimulateAward, Action::WithdrawGemeente,
        Action::SignGemeente, Action::ManageShares, Action::ViewEvaluation, Action::ManageEvaluation,
        Action::SignDeclaration, Action::Evaluate, Action::PrepareAward, Action::ViewAwardLetters,
        Action::ReadAwardLetter, Action::ManageObjections, Action::ViewContract, Action::ManageContract,
        Action::SetUpTender, Action::ManageTeam, Action::CopyTender, Action::ViewNotices,
    ];
}

/// Phases in which an entry of the table applies.
enum Phases {
    Any,
    /// Every phase but concept: the tender is public.
    Published,
    In(&'static [Phase]),
}

use Action::*;
use Phase::*;
use Role::*;

/// Phases after a confirmed opening (suspension and cancellation excluded: a
/// tender can be suspended or cancelled before its opening, too).
const OPENED: &[Phase] = &[Geopend, Beoordeling, Gunningsvoornemen, Standstill, Gegund, Ondertekend, Contract];

/// Phases before the evaluation is complete: a panel can be set up and its
/// declarations signed and checked.
const BEFORE_AWARD: &[Phase] = &[Concept, Gepubliceerd, Dialoog, Inschrijving, Geopend, Beoordeling];

/// The table. An action not listed for a role is refused in every phase.
const TABLE: &[(Action, &[Role], Phases)] = &[
    (ViewTender, &[Inkoper, Beoordelaar, Aanbieder, Gemeente, Waarnemer], Phases::Any),
    (ViewAuditTrail, &[Inkoper, Waarnemer], Phases::Any),
    (ExportAuditTrail, &[Inkoper, Waarnemer], Phases::Any),
    (WriteCheckpoint, &[Inkoper], Phases::Any),
    (ManageProcedure, &[Inkoper], Phases::Any),
    (ViewDocuments, &[Inkoper, Beoordelaar, Gemeente, Waarnemer], Phases::Any),
    (ViewDocuments, &[Aanbieder], Phases::Published),
    (EditDocuments, &[Inkoper], Phases::In(&[Concept])),
    (AskQuestion, &[Aanbieder], Phases::In(&[Gepubliceerd, Dialoog, Inschrijving])),
    (ViewNvi, &[Inkoper], Phases::Any),
    (ViewNvi, &[Beoordelaar, Gemeente, Waarnemer, Aanbieder], Phases::Published),
    // Also while suspended: a suspension that spans the deadline resumes only
    // with a new deadline, set by NvI.
    (ManageNvi, &[Inkoper], Phases::In(&[Concept, Gepubliceerd, Dialoog, Inschrijving, Opgeschort])),
    (ManageDialogue, &[Inkoper], Phases::In(&[Gepubliceerd, Dialoog])),
    (ViewDialogue, &[Inkoper], Phases::Any),
    (ViewDialogue, &[Waarnemer, Aanbieder], Phases::Published),
    (JoinDialogue, &[Aanbieder], Phases::In(&[Gepubliceerd, Dialoog])),
    (PrepareBid, &[Aanbieder], Phases::In(&[Gepubliceerd, Dialoog, Inschrijving])),
    (SubmitBid, &[Aanbieder], Phases::In(&[Inschrijving])),
    (ViewArrivals, &[Inkoper, Waarnemer], Phases::Any),
    (OpenBids, &[Inkoper], Phases::In(&[Inschrijving])),
    (ViewOpeningRecord, &[Inkoper, Waarnemer], Phases::In(OPENED)),
    (ReadBidContent, &[Inkoper], Phases::In(OPENED)),
    (ManageOrganisation, &[Aanbieder], Phases::Any),
    (ViewAwardMethod, &[Inkoper, Beoordelaar, Gemeente, Waarnemer], Phases::Any),
    (ViewAwardMethod, &[Aanbieder], Phases::Published),
    (ManageAwardMethod, &[Inkoper], Phases::In(&[Concept])),
    (SimulateAward, &[Inkoper], Phases::Any),
    (WithdrawGemeente, &[Inkoper, Gemeente], Phases::In(&[
        Concept, Gepubliceerd, Dialoog, Inschrijving, Geopend, Beoordeling, Gunningsvoornemen, Standstill, Gegund, Ondertekend, Opgeschort,
    ])),
    (SignGemeente, &[Inkoper, Gemeente], Phases::In(&[Gegund, Ondertekend])),
    (ManageShares, &[Inkoper], Phases::In(&[Concept])),
    (ViewEvaluation, &[Inkoper, Beoordelaar, Waarnemer], Phases::Any),
    (ManageEvaluation, &[Inkoper], Phases::In(&[Concept, Gepubliceerd, Dialoog, Inschrijving, Geopend, Beoordeling, Gunningsvoornemen])),
    (SignDeclaration, &[Beoordelaar], Phases::In(BEFORE_AWARD)),
    (Evaluate, &[Beoordelaar], Phases::In(&[Beoordeling])),
    (PrepareAward, &[Inkoper], Phases::In(&[Gunningsvoornemen])),
    (ViewAwardLetters, &[Inkoper, Waarnemer], Phases::Any),
    (ReadAwardLetter, &[Aanbieder], Phases::Published),
    (ManageObjections, &[Inkoper], Phases::In(&[Standstill, Gegund, Opgeschort])),
    (ViewContract, &[Inkoper, Gemeente, Waarnemer], Phases::Any),
    (ViewContract, &[Aanbieder], Phases::In(&[Ondertekend, Contract])),
    (ManageContract, &[Inkoper], Phases::In(&[Ondertekend, Contract])),
    (SetUpTender, &[Inkoper], Phases::In(&[Concept])),
    (ManageTeam, &[Inkoper], Phases::Any),
    (CopyTender, &[Inkoper], Phases::Any),
    (ViewNotices, &[Inkoper, Waarnemer], Phases::Any),
];

/// What an account may do outside any tender, by the rights it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GlobalAction {
    /// Create, invite, deactivate, reactivate and anonymise accounts, reset a
    /// second factor, grant the right to create tenders.
    ManageAccounts,
    /// See every tender's reference, title and phase (never its content).
    ViewAllTenders,
    /// Name the inkopers of any tender (so a tender without a team gets one).
    AssignInkopers,
    /// Create a new tender (and become its first inkoper).
    CreateTender,
}

/// The rights an account holds outside tenders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rights {
    /// The functioneel beheerder.
    pub beheerder: bool,
    /// May create tenders.
    pub creates_tenders: bool,
}

/// Whether an account with `rights` may perform `action`. The beheerder
/// manages accounts and teams but reads no tender's content (bids, plans,
/// scores): that needs a role in the tender, which the table above governs.
pub fn global_allowed(rights: Rights, action: GlobalAction) -> bool {
    match action {
        GlobalAction::ManageAccounts | GlobalAction::ViewAllTenders | GlobalAction::AssignInkopers => rights.beheerder,
        GlobalAction::CreateTender => rights.creates_tenders,
    }
}

/// Whether `role` may perform `action` while the tender is in `phase`.
pub fn allowed(role: Role, phase: Phase, action: Action) -> bool {
    TABLE.iter().any(|(a, roles, phases)| {
        *a == action
            && roles.contains(&role)
            && match phases {
                Phases::Any => true,
                Phases::Published => phase != Concept,
                Phases::In(list) => list.contains(&phase),
            }
    })
}

/// Whether any of `roles` may perform `action` in `phase`.
pub fn any_allowed(roles: &[Role], phase: Phase, action: Action) -> bool {
    roles.iter().any(|r| allowed(*r, phase, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_an_entry_in_the_table() {
        for a in Action::ALL {
            assert!(TABLE.iter().any(|(x, _, _)| *x == a), "{a:?} missing");
        }
    }

    #[test]
    fn only_inkoper_and_waarnemer_read_the_audit_trail() {
        for p in Phase::ALL {
            for r in Role::ALL {
                assert_eq!(
                    allowed(r, p, ViewAuditTrail),
                    matches!(r, Inkoper | Waarnemer),
                    "{r:?} in {p:?}"
                );
            }
        }
    }

    #[test]
    fn a_waarnemer_never_changes_anything() {
        let changes = [
            WriteCheckpoint, ManageProcedure, EditDocuments, AskQuestion, ManageNvi, ManageDialogue,
            JoinDialogue, PrepareBid, SubmitBid, OpenBids, ReadBidContent, ManageOrganisation,
            ManageAwardMethod, WithdrawGemeente, SignGemeente, ManageShares, ManageEvaluation, SignDeclaration,
            Evaluate, PrepareAward, ManageObjections, ManageContract, SetUpTender, ManageTeam,
        ];
        for p in Phase::ALL {
            for a in changes {
                assert!(!allowed(Waarnemer, p, a), "{a:?} in {p:?}");
            }
        }
    }

    #[test]
    fn bid_content_is_sealed_for_every_role_until_the_opening() {
        for p in [Concept, Gepubliceerd, Dialoog, Inschrijving, Opgeschort, Ingetrokken] {
            for r in Role::ALL {
                assert!(!allowed(r, p, ReadBidContent), "{r:?} reads bids in {p:?}");
            }
        }
        assert!(allowed(Inkoper, Geopend, ReadBidContent));
        assert!(!allowed(Aanbieder, Geopend, ReadBidContent), "not even one's own after opening");
    }

    #[test]
    fn bidders_see_nothing_before_publication_and_submit_only_while_open() {
        assert!(!allowed(Aanbieder, Concept, ViewDocuments));
        assert!(allowed(Aanbieder, Gepubliceerd, ViewDocuments));
        for p in Phase::ALL {
            assert_eq!(allowed(Aanbieder, p, SubmitBid), p == Inschrijving, "{p:?}");
        }
        assert!(!allowed(Inkoper, Gepubliceerd, EditDocuments), "published documents are frozen");
    }

    #[test]
    fn only_evaluators_score_and_only_during_the_evaluation() {
        for p in Phase::ALL {
            for r in Role::ALL {
                assert_eq!(allowed(r, p, Evaluate), r == Beoordelaar && p == Beoordeling, "{r:?} in {p:?}");
            }
        }
        assert!(!allowed(Beoordelaar, Beoordeling, ManageEvaluation), "an evaluator does not check declarations");
        assert!(!allowed(Beoordelaar, Beoordeling, ReadBidContent), "an evaluator never reads the bids themselves");
        assert!(!allowed(Beoordelaar, Contract, ViewContract), "the contract names the provider");
        assert!(!allowed(Beoordelaar, Standstill, ViewAwardLetters), "the letters name the bidders");
    }

    #[test]
    fn the_award_is_prepared_only_after_the_consensus_and_contracts_managed_only_once_signed() {
        for p in Phase::ALL {
            assert_eq!(allowed(Inkoper, p, PrepareAward), p == Gunningsvoornemen, "{p:?}");
            assert_eq!(allowed(Inkoper, p, ManageContract), matches!(p, Ondertekend | Contract), "{p:?}");
        }
        assert!(allowed(Aanbieder, Standstill, ReadAwardLetter));
        assert!(!allowed(Aanbieder, Concept, ReadAwardLetter));
    }

    #[test]
    fn role_and_phase_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.code()), Some(p));
        }
    }

    #[test]
    fn a_tender_is_set_up_by_its_inkopers_before_publication_only() {
        for p in Phase::ALL {
            for r in Role::ALL {
                assert_eq!(allowed(r, p, SetUpTender), r == Inkoper && p == Concept, "{r:?} in {p:?}");
                assert_eq!(allowed(r, p, ManageTeam), r == Inkoper, "{r:?} in {p:?}");
                assert_eq!(allowed(r, p, CopyTender), r == Inkoper, "{r:?} in {p:?}");
            }
        }
    }

    #[test]
    fn the_beheerder_manages_accounts_but_creating_tenders_is_a_right_of_its_own() {
        let beheerder = Rights { beheerder: true, creates_tenders: false };
        let maker = Rights { beheerder: false, creates_tenders: true };
        assert!(global_allowed(beheerder, GlobalAction::ManageAccounts));
        assert!(global_allowed(beheerder, GlobalAction::AssignInkopers));
        assert!(!global_allowed(beheerder, GlobalAction::CreateTender));
        assert!(global_allowed(maker, GlobalAction::CreateTender));
        assert!(!global_allowed(maker, GlobalAction::ManageAccounts));
        assert!(!global_allowed(Rights::default(), GlobalAction::ViewAllTenders));
    }
}
