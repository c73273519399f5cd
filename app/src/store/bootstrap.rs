//! First start: the first account (the functioneel beheerder), the seeded
//! training tender and (with `--demo`) the demo accounts. Idempotent: nothing
//! is created twice.

use super::entities::audit_events;
use super::event::{Event, Subject};
use super::op::{Actor, Op};
use super::users::NewAccount;
use super::{tenders, users, Db};
use crate::domain::access::{Rights, Role};
use crate::domain::tender as facts;
use crate::domain::values::{Email, Kvk, Username};
use crate::error::AppError;
use crate::state::Clock;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

pub const DEMO_PASSWORD: &str = "dialoog-demo";
/// The sealing passphrase of the demo inkopers (their shares of the seeded
/// tender's key).
pub const DEMO_SEALING_PASSPHRASE: &str = "dialoog-demo-zegel";
pub const ADMIN_USERNAME: &str = "beheerder";

/// The demo bidding organisations (fictional).
pub const DEMO_ORGANISATIONS: [&str; 3] = [
    "Jeugdhulp Kennemerland B.V. (demo)",
    "Stichting Schoolteam Noord (demo)",
    "Coöperatie Samen Sterk Jeugd U.A. (demo)",
];

pub struct Options {
    pub seed_tender: bool,
    pub demo: bool,
    /// The first beheerder's password; generated when absent.
    pub admin_password: Option<String>,
}

#[derive(Debug, Default)]
pub struct Report {
    /// (user name, password, generated) of a newly created first account.
    pub admin_created: Option<(String, String, bool)>,
    pub tender_seeded: bool,
    pub demo_seeded: bool,
    /// Whether this database holds the demo accounts (banner on every page).
    pub demo: bool,
}

pub use super::users::random_password;

pub async fn is_demo<C: ConnectionTrait>(c: &C) -> Result<bool, DbErr> {
    Ok(audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq(Event::DemoSeeded { subject: Subject::Demo, accounts: vec![] }.action()))
        .one(c)
        .await?
        .is_some())
}

pub async fn run(db: &Db, clock: &Clock, opts: Options) -> Result<Report, AppError> {
    let mut report = Report::default();
    let empty = users::count(&db.conn).await? == 0;
    let seed = opts.seed_tender && tenders::by_reference(&db.conn, facts::TENDER_REFERENCE).await?.is_none();
    if !empty && !seed {
        report.demo = is_demo(&db.conn).await?;
        return Ok(report);
    }
    // Hash outside the transaction: argon2 takes tens of milliseconds per hash.
    let (admin_pw, generated) = match &opts.admin_password {
        Some(p) => (p.clone(), false),
        None => (random_password(), true),
    };
    let admin_hash = if empty { Some(users::hash_password(admin_pw.clone()).await) } else { None };
    let demo_accounts = demo_accounts();
    let mut demo_hashes = Vec::new();
    let mut demo_seals = Vec::new();
    if empty && opts.demo {
        for a in &demo_accounts {
            demo_hashes.push(users::hash_password(DEMO_PASSWORD.to_string()).await);
            // The demo inkopers hold the key of the seeded tender's bids.
            demo_seals.push(match a.role {
                Some(Role::Inkoper) => Some(
                    tokio::task::spawn_blocking(|| crate::sealing::new_holder_key(DEMO_SEALING_PASSPHRASE)).await.map_err(|_| AppError::Internal)?,
                ),
                _ => None,
            });
        }
    }

    let mut op = Op::anywhere(db, clock, Actor::system()).await?;
    let tender = if seed {
        report.tender_seeded = true;
        Some(tenders::seed_jeugd_en_schoolteam(&mut op).await?)
    } else {
        tenders::by_reference(op.txn(), facts::TENDER_REFERENCE).await?
    };
    if let Some(hash) = admin_hash {
        let admin = users::create(
            &mut op,
            NewAccount {
                username: Username::parse(ADMIN_USERNAME)?,
                display_name: "Functioneel beheerder (eerste account)".into(),
                password_hash: hash,
                must_change_password: generated,
                email: None,
            },
        )
        .await?;
        if generated {
            // A printed password works for a limited time.
            let mut am: super::entities::users::ActiveModel = admin.clone().into();
            am.one_time_until = sea_orm::Set(Some(op.now() + chrono::Duration::hours(users::ONE_TIME_HOURS)));
            sea_orm::ActiveModelTrait::update(am, op.txn()).await?;
        }
        super::administration::set_rights(&mut op, admin.id, Rights { beheerder: true, creates_tenders: false }).await?;
        report.admin_created = Some((ADMIN_USERNAME.into(), admin_pw, generated));
        if opts.demo {
            let mut n_org = 0;
            for ((demo, hash), seal) in demo_accounts.iter().zip(demo_hashes).zip(demo_seals) {
                let (username, name, role, org) = (&demo.username, &demo.name, &demo.role, &demo.organisation);
                let u = users::create(
                    &mut op,
                    NewAccount {
                        username: Username::parse(username)?,
                        display_name: name.clone(),
                        password_hash: hash,
                        must_change_password: false,
                        email: Some(Email::parse(&format!("{username}@example.org"))?),
                    },
                )
                .await?;
                if let Some(k) = seal {
                    super::sealing::store_key(&mut op, &u, k, super::sealing::KeyChange::Passphrase).await?;
                }
                if demo.rights != Rights::default() {
                    super::administration::set_rights(&mut op, u.id, demo.rights).await?;
                }
                if let (Some(t), Some(role)) = (&tender, role) {
                    users::grant(&mut op, t.id, &u, *role, org.as_deref()).await?;
                }
                if let (Some(Role::Aanbieder), Some(org)) = (role, org) {
                    n_org += 1;
                    super::organisations::seed_demo(
                        &mut op,
                        org,
                        Kvk::parse(&format!("9000000{n_org}"))?,
                        &u,
                        Email::parse(&format!("{username}@example.org"))?,
                        tender.as_ref().map(|t| t.id),
                    )
                    .await?;
                }
            }
            op.record(Event::DemoSeeded { subject: Subject::Demo, accounts: demo_accounts.iter().map(|a| a.username.clone()).collect() })
                .await?;
            report.demo_seeded = true;
        }
    }
    op.commit().await?;
    report.demo = is_demo(&db.conn).await?;
    Ok(report)
}

/// A demo account: its role in the seeded tender (none for the beheerder),
/// the organisation or gemeente it acts for, and its rights outside tenders.
pub struct DemoAccount {
    pub username: String,
    pub name: String,
    pub role: Option<Role>,
    pub organisation: Option<String>,
    pub rights: Rights,
}

pub fn demo_accounts() -> Vec<DemoAccount> {
    let account = |username: String, name: String, role: Option<Role>, organisation: Option<String>| DemoAccount {
        username,
        name,
        role,
        organisation,
        rights: Rights::default(),
    };
    let mut v = vec![
        DemoAccount { rights: Rights { beheerder: true, creates_tenders: false }, ..account("beheerder1".into(), "Beheerder (demo)".into(), None, None) },
        DemoAccount { rights: Rights { beheerder: false, creates_tenders: true }, ..account("inkoper1".into(), "Inkoper Een (demo)".into(), Some(Role::Inkoper), None) },
        account("inkoper2".into(), "Inkoper Twee (demo)".into(), Some(Role::Inkoper), None),
        // A third key holder: any two of the three open the bids.
        account("inkoper3".into(), "Inkoper Drie (demo)".into(), Some(Role::Inkoper), None),
    ];
    for i in 1..=3 {
        v.push(account(format!("beoordelaar{i}"), format!("Beoordelaar {i} (demo)"), Some(Role::Beoordelaar), None));
    }
    for (i, org) in DEMO_ORGANISATIONS.iter().enumerate() {
        v.push(account(format!("aanbieder{}", i + 1), format!("Aanbieder {} (demo)", i + 1), Some(Role::Aanbieder), Some(org.to_string())));
    }
    for g in facts::GEMEENTEN.iter() {
        v.push(account(format!("gemeente-{}", g.slug), format!("Vertegenwoordiger {} (demo)", g.name), Some(Role::Gemeente), Some(g.slug.to_string())));
    }
    v.push(account("waarnemer1".into(), "Waarnemer (demo)".into(), Some(Role::Waarnemer), None));
    v
}
