//! sea-orm entities, one module per table (see the `migration` crate for the schema).

pub mod users {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub username: String,
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
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tenders")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub reference: String,
        pub title: String,
        pub phase: String,
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
        pub suspended_phase: Option<String>,
        /// Why the tender was suspended or cancelled.
        pub phase_note: Option<String>,
        /// The award method (`domain::scoring::Method`) as JSON; frozen at publication.
        pub award_method: Option<String>,
        /// How volume and budget are divided over the gemeenten: "scholen" or "sleutel".
        pub share_rule: String,
        pub budget_cents: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_roles {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_roles")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: i32,
        pub user_id: i32,
        pub role: String,
        /// The bidding organisation (aanbieder) or gemeente slug (gemeente).
        pub organisation: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_buyers {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_buyers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: i32,
        pub slug: String,
        pub name: String,
        pub status: String,
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
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_partners")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: i32,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_schools {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_schools")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: i32,
        pub school_type: String,
        pub count: i32,
        pub name: Option<String>,
        pub place: Option<String>,
        pub pilot: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tender_profiles {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tender_profiles")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub tender_id: i32,
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
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub time: String,
        pub tender_id: Option<i32>,
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
    ($module:ident, $table:literal, { $($field:tt)* }) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i32,
                $($field)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(files, "files", {
    pub sha256: String,
    pub size: i64,
    pub original_name: String,
    pub media_type: String,
    pub created_at: DateTimeUtc,
});

entity!(documents, "documents", {
    pub tender_id: i32,
    pub title: String,
    /// "markdown" or "bestand".
    pub kind: String,
    pub position: i32,
    pub created_at: DateTimeUtc,
});

entity!(document_versions, "document_versions", {
    pub document_id: i32,
    pub version: i32,
    pub body_md: Option<String>,
    pub file_id: Option<i32>,
    pub sha256: String,
    pub size: i64,
    pub note: String,
    /// The Nota van Inlichtingen through which a published document changed.
    pub nvi_id: Option<i32>,
    /// Pseudonym of the author.
    pub author: String,
    pub created_at: DateTimeUtc,
});

entity!(organisations, "organisations", {
    pub kvk: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub place: String,
    pub created_at: DateTimeUtc,
});

entity!(organisation_members, "organisation_members", {
    pub organisation_id: i32,
    pub user_id: i32,
    pub email: String,
    pub phone: String,
    pub contact: bool,
    pub created_at: DateTimeUtc,
});

entity!(tender_bidders, "tender_bidders", {
    pub tender_id: i32,
    pub organisation_id: i32,
    /// "actief" or "afgevallen" (not admitted to a next dialogue round).
    pub status: String,
    pub registered_at: DateTimeUtc,
});

entity!(nvi_rounds, "nvi_rounds", {
    pub tender_id: i32,
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

entity!(questions, "questions", {
    pub tender_id: i32,
    pub round_id: i32,
    /// None for a point the buyer adds itself (e.g. shared from a dialogue session).
    pub organisation_id: Option<i32>,
    pub asked_by: Option<i32>,
    pub reference: String,
    pub body: String,
    pub asked_at: DateTimeUtc,
    pub answer_md: Option<String>,
    pub merged_into: Option<i32>,
});

entity!(messages, "messages", {
    pub tender_id: Option<i32>,
    pub organisation_id: Option<i32>,
    pub user_id: Option<i32>,
    pub subject: String,
    pub body_md: String,
    pub link: Option<String>,
    pub created_at: DateTimeUtc,
});

entity!(outbox, "outbox", {
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
});

entity!(dialogue_rounds, "dialogue_rounds", {
    pub tender_id: i32,
    pub number: i32,
    pub title: String,
    pub themes_md: String,
    /// "open" or "gesloten".
    pub status: String,
    pub outcome_md: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
});

entity!(dialogue_slots, "dialogue_slots", {
    pub round_id: i32,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub location: String,
    pub organisation_id: Option<i32>,
    pub booked_at: Option<DateTimeUtc>,
    pub minutes_md: Option<String>,
    pub minutes_at: Option<DateTimeUtc>,
    /// "geen", "open", "bevestigd" or "opmerking".
    pub minutes_status: String,
    pub minutes_comment: Option<String>,
});

entity!(bid_part_defs, "bid_part_defs", {
    pub tender_id: i32,
    pub envelope: i32,
    pub name: String,
    pub description: String,
    /// "bestand" or "formulier".
    pub kind: String,
    pub required: bool,
    pub max_bytes: i64,
    pub position: i32,
});

entity!(bids, "bids", {
    pub tender_id: i32,
    pub organisation_id: i32,
    /// "concept", "ingediend" or "ingetrokken".
    pub status: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub submissions: i32,
    pub created_at: DateTimeUtc,
});

entity!(bid_parts, "bid_parts", {
    pub bid_id: i32,
    pub part_def_id: i32,
    pub file_id: Option<i32>,
    pub form_text: Option<String>,
    pub sha256: String,
    pub size: i64,
    pub uploaded_at: DateTimeUtc,
});

entity!(receipts, "receipts", {
    pub bid_id: i32,
    pub user_id: i32,
    pub idempotency_key: String,
    pub request_hash: String,
    pub seq: i64,
    /// The receipt as issued (JSON).
    pub body: String,
    pub created_at: DateTimeUtc,
});

entity!(openings, "openings", {
    pub tender_id: i32,
    pub started_by: i32,
    pub started_at: DateTimeUtc,
    pub confirmed_by: Option<i32>,
    pub confirmed_at: Option<DateTimeUtc>,
    /// The proces-verbaal (JSON), once confirmed.
    pub record: Option<String>,
});
