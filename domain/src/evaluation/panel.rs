//! The evaluation panel as the rules see it: who may be appointed, who may
//! work on the plans (declaration signed and cleared), who leads the
//! consensus, and what still keeps the consensus meeting from starting.

use crate::access::Role;
use crate::procedure::MIN_EVALUATORS;
use crate::refusal::{Refusal, Ruling};
use crate::status::{DeclarationCheck, EvaluatorStatus};

/// One member of the panel, as far as the rules are concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelMember {
    pub name: String,
    pub status: EvaluatorStatus,
    pub chair: bool,
    /// The conflict-of-interest declaration is signed.
    pub declared: bool,
    pub check: DeclarationCheck,
    /// The member has locked their score sheet.
    pub locked: bool,
}

impl PanelMember {
    pub fn active(&self) -> bool {
        self.status == EvaluatorStatus::Aangewezen
    }

    /// Signed the declaration and cleared by the inkoper: may see the plans.
    pub fn cleared(&self) -> bool {
        self.active() && self.declared && self.check == DeclarationCheck::GeenConflict
    }
}

/// Whether `member` (the caller's place on the active panel, if any) may
/// work on the evaluation now: see plans, score, flag.
pub fn may_work(member: Option<&PanelMember>) -> Ruling {
    let Some(m) = member.filter(|m| m.active()) else {
        return Err(Refusal::forbidden("U bent geen beoordelaar in deze aanbesteding."));
    };
    if !m.declared {
        return Err(Refusal::forbidden("Onderteken eerst de verklaring over belangenconflicten."));
    }
    match m.check {
        DeclarationCheck::GeenConflict => Ok(()),
        DeclarationCheck::Conflict => {
            Err(Refusal::forbidden("Uw verklaring wijst op een belangenconflict: u beoordeelt niet in deze aanbesteding."))
        }
        DeclarationCheck::Open => {
            Err(Refusal::forbidden("Uw verklaring wordt nog getoetst door de inkoper; daarna kunt u beginnen."))
        }
    }
}

/// Whether `member` may lead the consensus: working, and the chair.
pub fn may_chair(member: Option<&PanelMember>) -> Ruling {
    may_work(member)?;
    if !member.is_some_and(|m| m.chair) {
        return Err(Refusal::forbidden("Alleen de voorzitter van het beoordelingspanel leidt de consensus."));
    }
    Ok(())
}

/// Why the consensus cannot be opened yet (None when it can): enough
/// evaluators, every one cleared and locked, no report waiting for the inkoper.
pub fn consensus_blocker(panel: &[PanelMember], open_flag: bool) -> Option<String> {
    let active: Vec<&PanelMember> = panel.iter().filter(|m| m.active()).collect();
    if active.len() < MIN_EVALUATORS {
        return Some(format!("Er zijn minder dan {MIN_EVALUATORS} beoordelaars aangewezen."));
    }
    if let Some(m) = active.iter().find(|m| !m.cleared()) {
        return Some(format!("De verklaring van {} is nog niet ondertekend of goedgekeurd.", m.name));
    }
    let open: Vec<&str> = active.iter().filter(|m| !m.locked).map(|m| m.name.as_str()).collect();
    if !open.is_empty() {
        return Some(format!("Nog niet vergrendeld: {}.", open.join(", ")));
    }
    if open_flag {
        return Some("Er ligt nog een melding bij de inkoper.".into());
    }
    None
}

/// Who the candidate is, as far as an appointment is concerned.
pub struct Candidate<'a> {
    pub name: &'a str,
    /// Their roles in this tender.
    pub roles: &'a [Role],
    /// They are on the panel already (or were, and were replaced).
    pub on_panel: bool,
    /// They belong to a bidding organisation.
    pub bidder: bool,
}

/// Whether a candidate may be appointed: someone who knows the bidders (an
/// inkoper, an observer) or is one cannot evaluate anonymously, and the panel
/// is fixed once the consensus meeting has opened.
pub fn may_appoint(c: &Candidate<'_>, consensus_opened: bool) -> Ruling {
    if consensus_opened {
        return Err(Refusal::conflict("Het consensusoverleg is geopend: het panel ligt vast."));
    }
    if c.on_panel {
        return Err(Refusal::Conflict(format!("{} is al aangewezen (of was dat en is vervangen).", c.name)));
    }
    if let Some(r) = c.roles.iter().find(|r| matches!(r, Role::Inkoper | Role::Aanbieder | Role::Waarnemer)) {
        return Err(Refusal::Conflict(format!(
            "{} heeft de rol {} in deze aanbesteding en kent de inschrijvers: beoordelen moet anoniem.",
            c.name,
            r.label().to_lowercase()
        )));
    }
    if c.bidder {
        return Err(Refusal::Conflict(format!("{} hoort bij een inschrijvende organisatie.", c.name)));
    }
    Ok(())
}

/// Whether an inkoper may check an evaluator's declaration: not the one who
/// appointed that evaluator (four eyes: a second inkoper checks).
pub fn may_check_declaration(checker_appointed_them: bool, name: &str) -> Ruling {
    if checker_appointed_them {
        return Err(Refusal::Conflict(format!(
            "U heeft {name} zelf aangewezen. Een andere inkoper toetst de verklaring (vier ogen)."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_appointer_does_not_check_the_declaration() {
        assert!(matches!(may_check_declaration(true, "Piet"), Err(Refusal::Conflict(m)) if m.contains("andere inkoper")));
        assert_eq!(may_check_declaration(false, "Piet"), Ok(()));
    }

    pub(crate) fn member(name: &str, check: DeclarationCheck, locked: bool) -> PanelMember {
        PanelMember { name: name.into(), status: EvaluatorStatus::Aangewezen, chair: false, declared: true, check, locked }
    }

    #[test]
    fn only_a_cleared_member_works_and_only_the_chair_leads_the_consensus() {
        assert!(matches!(may_work(None), Err(Refusal::Forbidden(_))));
        let mut m = member("Een", DeclarationCheck::Open, false);
        assert!(may_work(Some(&m)).unwrap_err().message().contains("getoetst"));
        m.declared = false;
        assert!(may_work(Some(&m)).unwrap_err().message().contains("Onderteken"));
        let m = member("Een", DeclarationCheck::Conflict, false);
        assert!(may_work(Some(&m)).unwrap_err().message().contains("belangenconflict"));
        let mut m = member("Een", DeclarationCheck::GeenConflict, false);
        assert_eq!(may_work(Some(&m)), Ok(()));
        assert!(may_chair(Some(&m)).unwrap_err().message().contains("voorzitter"));
        m.chair = true;
        assert_eq!(may_chair(Some(&m)), Ok(()));
        m.status = EvaluatorStatus::Vervangen;
        assert!(may_work(Some(&m)).is_err(), "a replaced evaluator no longer works");
    }

    #[test]
    fn the_consensus_waits_for_enough_cleared_locked_sheets_and_for_every_flag() {
        let ok = member("Een", DeclarationCheck::GeenConflict, true);
        assert!(consensus_blocker(std::slice::from_ref(&ok), false).unwrap().contains("minder dan 2"));
        let open = member("Twee", DeclarationCheck::GeenConflict, false);
        assert_eq!(consensus_blocker(&[ok.clone(), open], false).unwrap(), "Nog niet vergrendeld: Twee.");
        let unchecked = member("Drie", DeclarationCheck::Open, true);
        assert!(consensus_blocker(&[ok.clone(), unchecked], false).unwrap().contains("Drie"));
        let two = member("Twee", DeclarationCheck::GeenConflict, true);
        assert_eq!(consensus_blocker(&[ok.clone(), two.clone()], false), None);
        assert_eq!(consensus_blocker(&[ok, two], true).unwrap(), "Er ligt nog een melding bij de inkoper.");
    }

    #[test]
    fn whoever_knows_the_bidders_cannot_be_appointed() {
        let c = |roles: &'static [Role], on_panel, bidder| Candidate { name: "Piet", roles, on_panel, bidder };
        assert_eq!(may_appoint(&c(&[], false, false), false), Ok(()));
        assert_eq!(may_appoint(&c(&[Role::Beoordelaar, Role::Gemeente], false, false), false), Ok(()));
        assert!(may_appoint(&c(&[Role::Inkoper], false, false), false).unwrap_err().message().contains("inkoper"));
        assert!(may_appoint(&c(&[Role::Waarnemer], false, false), false).is_err());
        assert!(may_appoint(&c(&[], false, true), false).unwrap_err().message().contains("inschrijvende organisatie"));
        assert!(may_appoint(&c(&[], true, false), false).unwrap_err().message().contains("al aangewezen"));
        assert!(may_appoint(&c(&[], false, false), true).unwrap_err().message().contains("ligt vast"));
    }
}
