//! sea-orm entities, one module per table (see the `migration` crate for the schema).
//! Ids are typed (`crate::ids`), statuses, phases and checked values are
//! domain types stored as their code ([`super::column::Coded`]).

pub mod users {
    use crate::store::column::Coded;
    use domain::values::Username;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: crate::ids::UserId,
        #[sea_orm(unique)]
        pub username: Coded<Username>,
        pub display_name: String,
        pub password_hash: String,
        #[sea_orm(unique)]
        pub pseudonym: String,
        pub active: bool,
        pub failed_logins: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        /// The password was generated and shown once: choose a new one first.
        pub must_change_password: bool,
        pub email: Option<String>,
        /// Functioneel beheerder: manages accounts, sees no tender's content.
        pub beheerder: bool,
        /// May create tenders ("Nieuwe aanbesteding").
        pub creates_tenders: bool,
        /// When name and e-mail were replaced (AVG); the account is inactive for good.
        pub anonymised_at: Option<DateTimeUtc>,
        /// The TOTP secret (base32), set at enrolment, confirmed by `totp_enabled_at`.
        pub totp_secret: Option<String>,
        pub totp_enabled_at: Option<DateTimeUtc>,
        /// The last TOTP time step accepted (a code is good once).
        pub totp_last_step: Option<i64>,
        /// Sessions carry the epoch they began in; raising it (a new
        /// password, a reset second factor) ends every other session.
        pub session_epoch: i32,
        /// Until when a one-time (generated, printed) password works.
        pub one_time_until: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sessions {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub data: String,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tenders {
    use crate::store::column::Coded;
    use domain::access::Phase;
    use domain::participation::ShareRule;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tenders")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: crate::ids::TenderId,
        #[sea_orm(unique)]
        pub reference: String,
        pub title: String,
        pub phase: Coded<Phase>,
        pub training: bool,
        pub simulated_now: Option<DateTimeUtc>,
        pub publication_planned: DateTimeUtc,
        pub contract_start: Date,
        pub initial_end: Date,
        pub option_years: String,
        pub notice_months: i32,
        pub created_at: DateTimeUtc,
        pub published_at: Option<DateTimeUtc>,
        pub submission_deadline: Option<DateTimeUtc>,
        pub submission_closed_at: Option<DateTimeUtc>,
        pub award_planned: Option<DateTimeUtc>,
        pub signing_planned: Option<DateTimeUtc>,
        /// The phase to return to when a suspension ends.
        pub suspended_phase: Option<Coded<Phase>>,
        /// Why the tender was suspended or cancelled.
        pub phase_note: Option<String>,
        /// A change of phase (suspending, resuming) asked by one inkoper and
        /// waiting for a second: the phase, the reason, who and when.
        pub pending_phase: Option<Coded<Phase>>,
        pub pending_reason: Option<String>,
        pub pending_by: Option<crate::ids::UserId>,
        pub pending_at: Option<DateTimeUtc>,
        /// The award method (`domain::scoring::Method`) as JSON; frozen at publication.
        pub award_method: Option<String>,
        /// How volume and budget are divided over the gemeenten.
        pub share_rule: Coded<ShareRule>,
        pub budget_cents: Option<i64>,
        /// Length of the standstill in calendar days (a setting, default 20).
        pub standstill_days: i32,
        /// Whether a standstill ending on a weekend moves to the Monday (a setting, default off).
        pub standstill_weekend: bool,
        /// When the gunningsbeslissing went to every bidder (the start of the standstill).
        pub letters_sent_at: Option<DateTimeUtc>,
        pub standstill_ends_at: Option<DateTimeUtc>,
        pub description: String,
        pub procedure_kind: Coded<domain::setup::ProcedureKind>,
        /// The main CPV code ("85311300-5").
        pub cpv_code: Option<String>,
        /// The estimated value including options, excluding VAT.
        pub estimated_value_cents: Option<i64>,
        /// The tender this one was copied from as a template.
        pub copied_from: Option<crate::ids::TenderId>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_roles {
    use crate::ids::{TenderId, UserId};
    use crate::store::column::Coded;
    use domain::access::Role;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_roles")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: TenderId,
        pub user_id: UserId,
        pub role: Coded<Role>,
        /// The bidding organisation (aanbieder) or gemeente slug (gemeente).
        pub organisation: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_buyers {
    use crate::ids::TenderId;
    use crate::store::column::Coded;
    use domain::tender::Participation;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_buyers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: TenderId,
        pub slug: String,
        pub name: String,
        pub status: Coded<Participation>,
        pub status_since: DateTimeUtc,
        /// Schools in scope located in this gemeente.
        pub schools: i32,
        /// The published share key (e.g. pupils) for the "sleutel" rule.
        pub share_key: i64,
        /// Why the gemeente withdrew.
        pub status_reason: Option<String>,
        /// The decision behind a withdrawal or signature.
        pub decision_ref: Option<String>,
        /// Who recorded the last status change (and on whose behalf).
        pub status_by: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_partners {
    use crate::ids::TenderId;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_partners")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: TenderId,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_schools {
    use crate::ids::TenderId;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_schools")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: TenderId,
        pub school_type: String,
        pub count: i32,
        pub name: Option<String>,
        pub place: Option<String>,
        pub pilot: bool,
        pub brin: Option<String>,
        /// The slug of the buyer the school lies in.
        pub gemeente: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_profiles {
    use crate::ids::TenderId;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_profiles")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: TenderId,
        pub name: String,
        pub note: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_head {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub seq: i64,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_events {
    use crate::ids::TenderId;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub time: String,
        pub tender_id: Option<TenderId>,
        pub tseq: Option<i64>,
        pub actor: String,
        pub role: String,
        pub action: String,
        pub subject: String,
        pub hash: String,
        /// The entry as JSON (RFC 8785), exactly as hashed after the domain tag.
        pub entry: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_payloads {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_payloads")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub salt: Option<String>,
        pub payload: Option<String>,
        pub erased_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A table with an integer `id` primary key and no relations declared
/// (joins are written out in the store).
macro_rules! entity {
    ($module:ident, $table:literal, $id:ty, { $($field:tt)* }) => {
        pub mod $module {
            #[allow(unused_imports)]
            use crate::ids::*;
            #[allow(unused_imports)]
            use crate::store::column::Coded;
            #[allow(unused_imports)]
            use domain::status::*;
            #[allow(unused_imports)]
            use domain::values::*;
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: $id,
                $($field)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(files, "files", FileId, {
    pub sha256: String,
    pub size: i64,
    pub original_name: String,
    pub media_type: String,
    pub created_at: DateTimeUtc,
    /// Where the bytes are: `files/<key[..2]>/<key>` (random); files stored
    /// before keys existed lie under their SHA-256.
    pub storage_key: Option<String>,
    /// The envelope key the bytes are sealed to (a bid part before its
    /// opening); none for a plain file.
    pub sealed_by: Option<i32>,
});

entity!(documents, "documents", DocumentId, {
    pub tender_id: TenderId,
    pub title: String,
    pub kind: Coded<DocumentKind>,
    pub position: i32,
    pub created_at: DateTimeUtc,
});

entity!(document_versions, "document_versions", VersionId, {
    pub document_id: DocumentId,
    pub version: i32,
    pub body_md: Option<String>,
    pub file_id: Option<FileId>,
    pub sha256: String,
    pub size: i64,
    pub note: String,
    /// The Nota van Inlichtingen through which a published document changed.
    pub nvi_id: Option<QuestionRoundId>,
    /// Pseudonym of the author.
    pub author: String,
    pub created_at: DateTimeUtc,
});

entity!(organisations, "organisations", OrganisationId, {
    /// Unique per registration, internal (see [`super::organisations::new_ref`]).
    pub registration_ref: String,
    /// The KvK number the registrant gave; several registrations may name it.
    pub kvk: Coded<Kvk>,
    pub name: String,
    pub address: String,
    pub postcode: Coded<Postcode>,
    pub place: String,
    pub created_at: DateTimeUtc,
});

entity!(organisation_members, "organisation_members", i32, {
    pub organisation_id: OrganisationId,
    pub user_id: UserId,
    pub email: Coded<Email>,
    pub phone: String,
    pub contact: bool,
    pub created_at: DateTimeUtc,
});

entity!(tender_bidders, "tender_bidders", i32, {
    pub tender_id: TenderId,
    pub organisation_id: OrganisationId,
    pub status: Coded<BidderStatus>,
    pub registered_at: DateTimeUtc,
});

entity!(nvi_rounds, "nvi_rounds", QuestionRoundId, {
    pub tender_id: TenderId,
    pub title: String,
    pub question_deadline: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// Set at publication: NvI 1, 2, ...
    pub number: Option<i32>,
    pub published_at: Option<DateTimeUtc>,
    pub intro_md: String,
    /// A new submission deadline that takes effect when this NvI is published.
    pub new_submission_deadline: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
});

entity!(questions, "questions", QuestionId, {
    pub tender_id: TenderId,
    pub round_id: QuestionRoundId,
    /// None for a point the buyer adds itself (e.g. shared from a dialogue session).
    pub organisation_id: Option<OrganisationId>,
    pub asked_by: Option<UserId>,
    pub reference: String,
    pub body: String,
    pub asked_at: DateTimeUtc,
    pub answer_md: Option<String>,
    pub merged_into: Option<QuestionId>,
});

entity!(messages, "messages", i32, {
    pub tender_id: Option<TenderId>,
    pub organisation_id: Option<OrganisationId>,
    pub user_id: Option<UserId>,
    pub subject: String,
    pub body_md: String,
    pub link: Option<String>,
    pub created_at: DateTimeUtc,
});

entity!(outbox, "outbox", i32, {
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub tender_id: Option<TenderId>,
    pub message_token: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub failed_at: Option<DateTimeUtc>,
});

entity!(dialogue_rounds, "dialogue_rounds", DialogueRoundId, {
    pub tender_id: TenderId,
    pub number: i32,
    pub title: String,
    pub themes_md: String,
    pub status: Coded<RoundStatus>,
    pub outcome_md: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
});

entity!(dialogue_slots, "dialogue_slots", SlotId, {
    pub round_id: DialogueRoundId,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub location: String,
    pub organisation_id: Option<OrganisationId>,
    pub booked_at: Option<DateTimeUtc>,
    pub minutes_md: Option<String>,
    pub minutes_at: Option<DateTimeUtc>,
    pub minutes_status: Coded<MinutesStatus>,
    pub minutes_comment: Option<String>,
});

entity!(bid_part_defs, "bid_part_defs", PartDefId, {
    pub tender_id: TenderId,
    pub envelope: i32,
    pub name: String,
    pub description: String,
    pub kind: Coded<PartKind>,
    pub required: bool,
    pub max_bytes: i64,
    pub position: i32,
});

entity!(bids, "bids", BidId, {
    pub tender_id: TenderId,
    pub organisation_id: OrganisationId,
    pub status: Coded<BidStatus>,
    pub submitted_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub submissions: i32,
    pub created_at: DateTimeUtc,
});

entity!(bid_parts, "bid_parts", PartId, {
    pub bid_id: BidId,
    pub part_def_id: PartDefId,
    pub file_id: Option<FileId>,
    pub form_text: Option<String>,
    pub sha256: String,
    pub size: i64,
    pub uploaded_at: DateTimeUtc,
    /// The copy of a quality plan the evaluators are served (its metadata
    /// removed, made at the opening), when it differs from what was sent.
    pub served_file_id: Option<FileId>,
    /// A sealed file: "browser" (sealed by the bidder's browser) or "server".
    pub sealed_in: Option<String>,
});

entity!(receipts, "receipts", ReceiptId, {
    pub bid_id: BidId,
    pub user_id: UserId,
    pub idempotency_key: Coded<IdempotencyKey>,
    pub request_hash: String,
    pub seq: i64,
    /// The receipt as issued (JSON).
    pub body: String,
    pub created_at: DateTimeUtc,
});

entity!(openings, "openings", OpeningId, {
    pub tender_id: TenderId,
    pub started_by: UserId,
    pub started_at: DateTimeUtc,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<DateTimeUtc>,
    /// The proces-verbaal (JSON), once confirmed.
    pub record: Option<String>,
});

entity!(evaluators, "evaluators", EvaluatorId, {
    pub tender_id: TenderId,
    pub user_id: UserId,
    pub chair: bool,
    pub status: Coded<EvaluatorStatus>,
    pub appointed_at: DateTimeUtc,
    pub appointed_by: String,
    /// When the evaluator signed the conflict-of-interest declaration.
    pub declaration_at: Option<DateTimeUtc>,
    /// The interests and relations the evaluator declared ("geen" when none).
    pub declaration_interests: Option<String>,
    /// The inkoper's check against the bidders.
    pub check_status: Coded<DeclarationCheck>,
    pub check_note: Option<String>,
    pub checked_at: Option<DateTimeUtc>,
    pub checked_by: Option<String>,
    pub replaced_at: Option<DateTimeUtc>,
    pub replaced_reason: Option<String>,
    pub sheet_locked_at: Option<DateTimeUtc>,
    /// The account of the inkoper who appointed the evaluator (who may not check the declaration).
    pub appointed_by_user: Option<UserId>,
});

entity!(recovery_codes, "recovery_codes", i32, {
    pub user_id: UserId,
    /// SHA-256 of the code (the codes are random, 50 bits each).
    pub code_hash: String,
    pub created_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
});

entity!(invitations, "invitations", i32, {
    pub user_id: UserId,
    /// SHA-256 of the token in the link; the token itself is never stored.
    pub token_hash: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
});

entity!(trusted_devices, "trusted_devices", i32, {
    pub user_id: UserId,
    /// SHA-256 of the token in the device's cookie.
    pub token_hash: String,
    /// Wrong passwords from this device in a row.
    pub failures: i32,
    pub created_at: DateTimeUtc,
    pub last_used_at: DateTimeUtc,
});

/// Failed log-ins per typed user name (see `domain::throttle`).
pub mod login_throttle {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_throttle")]
    pub struct Model {
        /// SHA-256 of the user name as typed (lower case, trimmed).
        #[sea_orm(primary_key, auto_increment = false)]
        pub name_hash: String,
        pub failures: i32,
        pub window_start: Option<DateTimeUtc>,
        pub held_until: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

entity!(tender_formation, "tender_formation", i32, {
    pub tender_id: TenderId,
    pub profile: String,
    pub region: String,
    /// In hundredths of an fte.
    pub current_fte: i32,
    pub extension_fte: i32,
});

entity!(eval_plans, "eval_plans", PlanId, {
    pub tender_id: TenderId,
    pub bid_id: BidId,
    /// Drawn at random at the opening: "K" is shown as "Inschrijving K".
    pub pseudonym: Coded<Pseudonym>,
    pub status: Coded<PlanStatus>,
    pub status_note: Option<String>,
    pub created_at: DateTimeUtc,
});

entity!(eval_flags, "eval_flags", FlagId, {
    pub tender_id: TenderId,
    pub plan_id: PlanId,
    /// The evaluator's user id; None when the check at the opening raised it.
    pub raised_by: Option<UserId>,
    pub note: String,
    pub raised_at: DateTimeUtc,
    pub decision: Coded<FlagDecision>,
    pub decision_note: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
});

entity!(eval_scores, "eval_scores", i32, {
    pub evaluator_id: EvaluatorId,
    pub plan_id: PlanId,
    pub criterion: String,
    pub level: i32,
    pub motivation: String,
    pub updated_at: DateTimeUtc,
});

entity!(consensus_scores, "consensus_scores", i32, {
    pub tender_id: TenderId,
    pub plan_id: PlanId,
    pub criterion: String,
    pub level: i32,
    pub motivation: String,
    /// Why the consensus lies outside the individual scores.
    pub justification: Option<String>,
    pub recorded_at: DateTimeUtc,
    pub recorded_by: String,
});

entity!(evaluations, "evaluations", i32, {
    pub tender_id: TenderId,
    /// Salt of the commitment to the pseudonym assignment (hex), revealed at the consensus lock.
    pub pseudonym_salt: String,
    pub pseudonym_commitment: String,
    pub consensus_opened_at: Option<DateTimeUtc>,
    pub consensus_locked_at: Option<DateTimeUtc>,
    pub locked_by: Option<String>,
    /// The result after the lock (JSON): prices, totals, ranking.
    pub result: Option<String>,
    /// The order drawn by lot (JSON list of pseudonyms), when the tie-break needed one.
    pub lot: Option<String>,
    /// The characteristics and relative advantages of the winning bid (Markdown).
    pub advantages_md: String,
    pub created_at: DateTimeUtc,
});

entity!(award_letters, "award_letters", i32, {
    pub tender_id: TenderId,
    pub bid_id: BidId,
    pub organisation_id: OrganisationId,
    /// A passage for this addressee only.
    pub note_md: String,
    /// The letter as sent (Markdown), frozen.
    pub body_md: Option<String>,
    pub sha256: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    /// When someone of the addressee first opened it.
    pub read_at: Option<DateTimeUtc>,
});

entity!(objections, "objections", ObjectionId, {
    pub tender_id: TenderId,
    pub kind: Coded<ObjectionKind>,
    pub filed_by: String,
    pub received_at: DateTimeUtc,
    pub description: String,
    pub registered_at: DateTimeUtc,
    pub registered_by: String,
    /// None while pending.
    pub outcome: Option<Coded<ObjectionOutcome>>,
    pub outcome_note: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
});

entity!(contract_options, "contract_options", i32, {
    pub tender_id: TenderId,
    pub number: i32,
    pub decision: Coded<OptionDecision>,
    pub decided_at: DateTimeUtc,
    pub decided_by: String,
    pub decision_ref: String,
    pub note: String,
});

entity!(sealing_keys, "sealing_keys", i32, {
    pub user_id: UserId,
    /// The holder's X25519 public key (hex): shares are sealed to it.
    pub public_key: String,
    /// The private key, sealed to the key derived from the passphrase.
    pub wrapped_private: String,
    /// The public half of the passphrase-derived key (hex): a wrong
    /// passphrase is recognised without trying to unwrap.
    pub wrap_public: String,
    pub kdf_salt: String,
    pub kdf_params: String,
    pub created_at: DateTimeUtc,
});

entity!(envelope_keys, "envelope_keys", i32, {
    pub tender_id: TenderId,
    /// Which envelopes it seals ("1,2,3").
    pub envelopes: String,
    pub public_key: String,
    /// SHA-256 of the public key, as published.
    pub fingerprint: String,
    /// A random secret sealed to the key at publication: a rehearsal opens it.
    pub test_envelope: String,
    pub test_digest: String,
    pub created_at: DateTimeUtc,
    pub opened_at: Option<DateTimeUtc>,
});

entity!(key_shares, "key_shares", i32, {
    pub envelope_key_id: i32,
    pub user_id: UserId,
    /// The holder's public key the share was sealed to.
    pub holder_public_key: String,
    pub sealed_share: String,
    /// SHA-256 of the share: its holder proves it opens.
    pub share_digest: String,
    pub proved_at: Option<DateTimeUtc>,
});

entity!(key_relays, "key_relays", i32, {
    pub envelope_key_id: i32,
    /// "opening" or "proef".
    pub purpose: String,
    pub started_by: UserId,
    pub started_at: DateTimeUtc,
    pub for_user: UserId,
    pub sealed_share: String,
});

entity!(availability_runs, "availability_runs", i32, {
    /// Which instance ran (host and process), for the reader of the evidence.
    pub instance: String,
    pub started_at: DateTimeUtc,
    pub last_beat_at: DateTimeUtc,
});

entity!(upload_failures, "upload_failures", i32, {
    pub tender_id: TenderId,
    pub organisation_id: OrganisationId,
    pub user_id: UserId,
    pub at: DateTimeUtc,
    /// "afgebroken" (cut off on the way) or "serverfout".
    pub reason: String,
    pub received_bytes: i64,
});
