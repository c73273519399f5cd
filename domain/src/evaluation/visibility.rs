//! Who may see which part of the evaluation, and when: one answer for plans,
//! score sheets and the consensus, used by the pages and the download routes
//! alike.

use super::panel::{may_work, PanelMember};
use super::plan_label;
use crate::refusal::{Refusal, Ruling};
use crate::status::PlanStatus;

/// Who is looking at a score sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The evaluator whose sheet it is.
    Owner,
    /// Another member of the panel; `own_locked` when the viewer has locked their own sheet.
    Panel { own_locked: bool },
    /// The buyer's side outside the panel (inkoper, waarnemer).
    Buyer,
    /// Anyone else (bidders, gemeenten).
    Outsider,
}

/// Whether a sheet's scores may be shown. Nobody sees another evaluator's
/// scores before that evaluator has locked the sheet; a panel member sees a
/// colleague's locked sheet only after locking their own (so nobody is
/// influenced while scoring); the buyer's side sees individual sheets once the
/// consensus is locked (for the report of the procedure). Bidders never do:
/// they see consensus scores and motivations only.
pub fn may_see_sheet(viewer: Viewer, owner_locked: bool, consensus_locked: bool) -> bool {
    match viewer {
        Viewer::Owner => true,
        Viewer::Panel { own_locked } => owner_locked && own_locked,
        Viewer::Buyer => owner_locked && consensus_locked,
        Viewer::Outsider => false,
    }
}

/// Someone looking at the evaluation of one tender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Looker {
    /// Their place on the active panel, if any.
    pub member: Option<PanelMember>,
    /// The buyer's side outside the panel (inkoper, waarnemer): knows the bidders.
    pub buyer: bool,
    /// Decides on reports that a plan identifies its bidder (the inkoper).
    pub decides_flags: bool,
}

impl Looker {
    fn viewer_of(&self, own: bool) -> Viewer {
        match &self.member {
            Some(_) if own => Viewer::Owner,
            Some(m) if m.cleared() => Viewer::Panel { own_locked: m.locked },
            _ if self.buyer => Viewer::Buyer,
            _ => Viewer::Outsider,
        }
    }
}

/// Where the evaluation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The tender is in the phase beoordeling: plans are read and scored.
    pub scoring: bool,
    pub consensus_opened: bool,
    pub consensus_locked: bool,
}

/// What is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sight<'a> {
    /// A quality plan under its pseudonym.
    Plan { pseudonym: &'a str, status: PlanStatus, open_flag: bool },
    /// An evaluator's score sheet: `own` when it is the looker's own.
    Sheet { own: bool, owner_locked: bool },
    /// The consensus matrix (individual scores beside the consensus).
    Consensus,
}

/// Whether `who` may see `what` now, and if not, why not.
///
/// A plan is read by a cleared evaluator during the evaluation, while it is
/// valid and no report about it waits for the inkoper; the inkoper reads a
/// plan only to decide on such a report. Sheets follow [`may_see_sheet`].
/// The consensus is seen by the cleared panel once the meeting opened and by
/// the buyer's side once it is locked.
pub fn visible_to(who: &Looker, what: Sight<'_>, stage: &Stage) -> Ruling {
    match what {
        Sight::Plan { pseudonym, status, open_flag } => {
            if who.member.is_none() && who.decides_flags {
                return if open_flag {
                    Ok(())
                } else {
                    Err(Refusal::forbidden("De inkoper leest een plan alleen om over een melding daarover te beslissen."))
                };
            }
            may_work(who.member.as_ref())?;
            if status != PlanStatus::TeBeoordelen {
                return Err(Refusal::Conflict(format!("{} is ongeldig verklaard en wordt niet beoordeeld.", plan_label(pseudonym))));
            }
            if open_flag {
                return Err(Refusal::Conflict(format!(
                    "Over {} ligt een melding bij de inkoper; het plan is tot diens besluit niet in te zien.",
                    plan_label(pseudonym)
                )));
            }
            if !stage.scoring {
                return Err(Refusal::conflict("De plannen zijn alleen tijdens de beoordeling in te zien."));
            }
            Ok(())
        }
        Sight::Sheet { own, owner_locked } => {
            if may_see_sheet(who.viewer_of(own), owner_locked, stage.consensus_locked) {
                Ok(())
            } else {
                Err(Refusal::forbidden("Dit scoreformulier is (nog) niet in te zien."))
            }
        }
        Sight::Consensus => {
            let panel = who.member.as_ref().is_some_and(PanelMember::cleared) && stage.consensus_opened;
            if panel || (who.buyer && stage.consensus_locked) {
                Ok(())
            } else {
                Err(Refusal::forbidden("De consensus is (nog) niet in te zien."))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::status::{DeclarationCheck, EvaluatorStatus};

    fn cleared(locked: bool) -> PanelMember {
        PanelMember { name: "Een".into(), status: EvaluatorStatus::Aangewezen, chair: false, declared: true, check: DeclarationCheck::GeenConflict, locked }
    }

    const SCORING: Stage = Stage { scoring: true, consensus_opened: false, consensus_locked: false };

    #[test]
    fn a_plan_is_read_by_the_cleared_panel_during_the_evaluation_and_by_the_inkoper_only_to_decide_a_flag() {
        let plan = |status, open_flag| Sight::Plan { pseudonym: "K", status, open_flag };
        let evaluator = Looker { member: Some(cleared(false)), buyer: false, decides_flags: false };
        assert_eq!(visible_to(&evaluator, plan(PlanStatus::TeBeoordelen, false), &SCORING), Ok(()));
        assert!(visible_to(&evaluator, plan(PlanStatus::TeBeoordelen, true), &SCORING).unwrap_err().message().contains("melding"));
        assert!(visible_to(&evaluator, plan(PlanStatus::Ongeldig, false), &SCORING).unwrap_err().message().contains("ongeldig"));
        let before = Stage { scoring: false, ..SCORING };
        assert!(visible_to(&evaluator, plan(PlanStatus::TeBeoordelen, false), &before).is_err());
        let unchecked = Looker { member: Some(PanelMember { check: DeclarationCheck::Open, ..cleared(false) }), ..evaluator.clone() };
        assert!(matches!(visible_to(&unchecked, plan(PlanStatus::TeBeoordelen, false), &SCORING), Err(Refusal::Forbidden(_))));
        let inkoper = Looker { member: None, buyer: true, decides_flags: true };
        assert!(matches!(visible_to(&inkoper, plan(PlanStatus::TeBeoordelen, false), &SCORING), Err(Refusal::Forbidden(_))));
        assert_eq!(visible_to(&inkoper, plan(PlanStatus::TeBeoordelen, true), &SCORING), Ok(()));
        let observer = Looker { member: None, buyer: true, decides_flags: false };
        assert!(visible_to(&observer, plan(PlanStatus::TeBeoordelen, true), &SCORING).is_err());
        let outsider = Looker { member: None, buyer: false, decides_flags: false };
        assert!(visible_to(&outsider, plan(PlanStatus::TeBeoordelen, false), &SCORING).is_err());
    }

    #[test]
    fn the_consensus_is_seen_by_the_panel_once_open_and_by_the_buyer_once_locked() {
        let panel = Looker { member: Some(cleared(true)), buyer: false, decides_flags: false };
        let buyer = Looker { member: None, buyer: true, decides_flags: true };
        let open = Stage { scoring: true, consensus_opened: true, consensus_locked: false };
        let locked = Stage { consensus_locked: true, ..open };
        assert!(visible_to(&panel, Sight::Consensus, &SCORING).is_err());
        assert_eq!(visible_to(&panel, Sight::Consensus, &open), Ok(()));
        assert!(visible_to(&buyer, Sight::Consensus, &open).is_err());
        assert_eq!(visible_to(&buyer, Sight::Consensus, &locked), Ok(()));
        assert_eq!(visible_to(&panel, Sight::Sheet { own: true, owner_locked: false }, &SCORING), Ok(()));
        assert!(visible_to(&buyer, Sight::Sheet { own: false, owner_locked: true }, &open).is_err());
        assert_eq!(visible_to(&buyer, Sight::Sheet { own: false, owner_locked: true }, &locked), Ok(()));
    }

    #[test]
    fn nobody_sees_another_sheet_before_it_is_locked() {
        use Viewer::*;
        assert!(may_see_sheet(Owner, false, false));
        assert!(!may_see_sheet(Panel { own_locked: true }, false, false), "the owner has not locked");
        assert!(!may_see_sheet(Panel { own_locked: false }, true, false), "the viewer is still scoring");
        assert!(may_see_sheet(Panel { own_locked: true }, true, false));
        assert!(!may_see_sheet(Buyer, true, false), "the buyer waits for the consensus");
        assert!(may_see_sheet(Buyer, true, true));
        assert!(!may_see_sheet(Outsider, true, true), "bidders see consensus scores only");
    }
}
