//! Start-up: migrations, the check of the audit log against the last signed
//! checkpoint, first-start bootstrap, background jobs, and serving.

use crate::config::Config;
use app::state::{AppState, Clock};
use app::store::{self, bootstrap, checkpoint::Anchor};
use migration::{Migrator, MigratorTrait};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// Opens the database, runs migrations and opens the anchor.
pub async fn open(cfg: &Config) -> Result<(store::Db, Anchor), String> {
    std::fs::create_dir_all(&cfg.data_dir)
        .map_err(|e| format!("kan de datamap {} niet aanmaken: {e}", cfg.data_dir.display()))?;
    let db = store::connect(&cfg.database_url)
        .await
        .map_err(|e| format!("kan de database niet openen (DATABASE_URL): {e}"))?;
    Migrator::up(&db.conn, None).await.map_err(|e| format!("migraties mislukt: {e}"))?;
    let anchor = Anchor::open(&cfg.anchor_dir)
        .map_err(|e| format!("kan de ankermap {} niet openen (DIALOOG_ANCHOR_DIR): {e}", cfg.anchor_dir.display()))?;
    Ok((db, anchor))
}

/// In production (secure cookies: Dialoog is reached over TLS) the anchor
/// directory, which holds the signed checkpoints that detect a restored old
/// backup, must not lie inside the data directory: a backup of one would
/// restore both. `DIALOOG_ANCHOR_IN_DATA_DIR=true` allows it anyway.
pub fn anchor_apart(cfg: &Config) -> Result<(), String> {
    if !cfg.secure_cookies || cfg.anchor_in_data_dir {
        return Ok(());
    }
    let full = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    let (data, anchor) = (full(&cfg.data_dir), full(&cfg.anchor_dir));
    if anchor.starts_with(&data) {
        return Err(format!(
            "de ankermap {} ligt in de datamap {}. Zet DIALOOG_ANCHOR_DIR op andere opslag dan de database en de bestanden \
             (een teruggezette back-up van de datamap zou anders ook de controlepunten terugzetten), \
             of start bewust met DIALOOG_ANCHOR_IN_DATA_DIR=true.",
            anchor.display(),
            data.display()
        ));
    }
    Ok(())
}

/// Refuses a database whose log is shorter than, or differs from, the last
/// signed checkpoint (a restored old backup or a rewritten log).
pub async fn check_against_checkpoint(db: &store::Db, anchor: &Anchor) -> Result<(), String> {
    let cp = match anchor.latest() {
        Ok(Some(cp)) => cp,
        Ok(None) => {
            let size = store::audit::size(&db.conn).await.map_err(|e| e.to_string())?;
            if size == 0 {
                return Ok(());
            }
            return Err(format!(
                "er is geen ondertekend controlepunt in {}, terwijl de audittrail al {size} events telt: \
                 de ankermap is leeg, verwijderd of verkeerd ingesteld (DIALOOG_ANCHOR_DIR)",
                anchor.dir.display()
            ));
        }
        Err(e) => return Err(format!("het laatste controlepunt in {} is onleesbaar: {e}", anchor.dir.display())),
    };
    let size = store::audit::size(&db.conn).await.map_err(|e| e.to_string())?;
    if size < cp.size {
        return Err(format!(
            "de audittrail in de database telt {size} events, het laatste ondertekende controlepunt {}: \
             dit lijkt een teruggezette oude back-up",
            cp.size
        ));
    }
    let root = store::audit::root_at(&db.conn, cp.size).await.map_err(|e| e.to_string())?;
    if root != cp.root {
        return Err(format!(
            "de eerste {} events van de audittrail komen niet overeen met het ondertekende controlepunt: \
             de log is herschreven of hoort bij een andere installatie",
            cp.size
        ));
    }
    Ok(())
}

fn leptos_options(cfg: &Config) -> leptos::config::LeptosOptions {
    if std::env::var("LEPTOS_OUTPUT_NAME").is_ok() {
        if let Ok(conf) = leptos::config::get_configuration(None) {
            let mut o = conf.leptos_options;
            o.site_addr = cfg.addr;
            return o;
        }
    }
    leptos::config::LeptosOptions::builder()
        .output_name("dialoog")
        .site_root(cfg.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(cfg.addr)
        .build()
}

pub async fn serve(cfg: Config, args: &[&str]) -> ExitCode {
    let mut demo = false;
    let mut accept_rollback = false;
    for a in args {
        match *a {
            "--demo" => demo = true,
            "--accept-audit-rollback" => accept_rollback = true,
            other => {
                eprintln!("onbekende optie {other}\n{}", crate::USAGE);
                return ExitCode::from(2);
            }
        }
    }
    if let Err(e) = anchor_apart(&cfg) {
        eprintln!("start geweigerd: {e}");
        return ExitCode::from(2);
    }
    let (db, anchor) = match open(&cfg).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let clock = Clock::System;
    if let Err(e) = check_against_checkpoint(&db, &anchor).await {
        if !accept_rollback {
            eprintln!(
                "start geweigerd: {e}.\nControleer de back-up. Wie bewust met deze database verder wil, \
                 start met --accept-audit-rollback (dit wordt in de audittrail vastgelegd)."
            );
            return ExitCode::from(3);
        }
        eprintln!("waarschuwing: {e}; de beheerder heeft --accept-audit-rollback gegeven");
        let res = async {
            let mut op = store::Op::anywhere(&db, &clock, store::Actor::system()).await?;
            op.record(store::Event::RollbackAccepted { subject: store::Subject::Audit, melding: e.clone() }).await?;
            op.commit().await
        }
        .await;
        if let Err(e) = res {
            eprintln!("kan de overschrijving niet vastleggen: {e}");
            return ExitCode::FAILURE;
        }
    }
    let report = match bootstrap::run(
        &db,
        &clock,
        bootstrap::Options { seed_tender: cfg.seed, demo, admin_password: cfg.admin_password.clone() },
    )
    .await
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("eerste start mislukt: {e}");
            return ExitCode::FAILURE;
        }
    };
    if demo && !report.demo_seeded && !report.demo {
        eprintln!("let op: --demo maakt alleen demo-accounts aan in een lege database; deze database heeft al gebruikers");
    }
    let files = match app::store::files::FileStore::open(&cfg.data_dir.join("files")) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("kan de bestandsopslag niet openen in {} (DIALOOG_DATA_DIR): {e}", cfg.data_dir.display());
            return ExitCode::FAILURE;
        }
    };
    // What a crash left: stored files no row refers to, half uploads.
    match app::store::files::referenced(&db.conn).await {
        Ok(keys) => match files.sweep(&keys, std::time::Duration::from_secs(3600)) {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "files no row refers to removed"),
            Err(e) => tracing::warn!(error = %e, "the file store could not be swept"),
        },
        Err(e) => tracing::warn!(error = %e, "the file store could not be swept"),
    }
    let settings = app::state::Settings {
        public_url: cfg.public_url.clone(),
        require_2fa: cfg.require_2fa.unwrap_or(!report.demo),
        light_regime_threshold: app::domain::money::Money::from_cents(cfg.threshold_cents).unwrap_or(app::domain::setup::LIGHT_REGIME_THRESHOLD),
        logins_per_minute: cfg.logins_per_minute,
        secure_cookies: cfg.secure_cookies,
        mail_relay: cfg.smtp.as_ref().map(|r| r.describe()),
        ocid_prefix: cfg.ocid_prefix.clone(),
        accessibility_contact: cfg.accessibility_contact.clone(),
    };
    let state = AppState::new(db.clone(), anchor, files, clock, report.demo, settings);
    // A checkpoint at start-up when the log grew (the seed is a milestone).
    if let Err(e) = checkpoint_if_grown(&state).await {
        tracing::error!(error = %e, "checkpoint at start-up failed");
        eprintln!("controlepunt bij start mislukt: {e}");
        return ExitCode::FAILURE;
    }

    let listener = match tokio::net::TcpListener::bind(cfg.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("kan niet luisteren op {} (DIALOOG_ADDR): {e}", cfg.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(cfg.addr);
    println!("Dialoog draait op http://{addr}/");
    if let Some((user, pw, generated)) = &report.admin_created {
        if *generated {
            match hand_over_password(&cfg.data_dir, user, pw) {
                Ok(line) => println!("Eerste account (functioneel beheerder) aangemaakt: {line}"),
                Err(e) => eprintln!("{e}"),
            }
        } else {
            println!("Eerste account (functioneel beheerder) aangemaakt: gebruikersnaam '{user}' met het wachtwoord uit DIALOOG_ADMIN_PASSWORD");
        }
        println!("Log in, stel de tweede stap in en nodig via Beheer de inkopers en anderen uit.");
    }
    if report.demo {
        println!(
            "Demo-accounts: beheerder1, inkoper1..3, beoordelaar1..3, aanbieder1..3, gemeente-alkmaar (en de andere gemeenten), \
             waarnemer1; wachtwoord '{}'",
            bootstrap::DEMO_PASSWORD
        );
    }
    if report.tender_seeded {
        println!("De aanbesteding 'Jeugd- en Schoolteam VO regio Alkmaar' is aangemaakt.");
    }

    spawn_background(state.clone());
    if let Some(relay_cfg) = cfg.smtp.clone() {
        match app::mail_relay::build(relay_cfg) {
            Ok(relay) => {
                println!("E-mail gaat via {}.", relay.config().describe());
                tokio::spawn(relay.run(state.db.clone()));
            }
            Err(e) => {
                eprintln!("ongeldige configuratie: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        println!("Er is geen mailserver ingesteld (DIALOOG_SMTP_HOST): e-mails blijven in de outbox (dialoog outbox).");
    }
    let app = crate::web::router(state.clone(), leptos_options(&cfg), cfg.secure_cookies);
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await;
    if let Err(e) = checkpoint_if_grown(&state).await {
        tracing::error!(error = %e, "checkpoint at shutdown failed");
    }
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server gestopt met een fout: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn checkpoint_if_grown(st: &AppState) -> Result<(), app::error::AppError> {
    let size = store::audit::size(&st.db.conn).await?;
    let last = st.anchor.latest().ok().flatten().map(|c| c.size).unwrap_or(0);
    if size > last {
        let op = store::Op::anywhere(&st.db, &st.clock, store::Actor::system()).await?;
        app::server_ops::checkpoint_now(op, &st.anchor).await?;
    }
    Ok(())
}

fn spawn_background(st: AppState) {
    tokio::spawn(deadline_scheduler(st.clone()));
    tokio::spawn(heartbeat(st.clone()));
    tokio::spawn(async move {
        let sessions = app::store::session_store::DbSessionStore::new(st.db.conn.clone());
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        tick.tick().await;
        loop {
            tick.tick().await;
            let _ = sessions.delete_expired(st.clock.now()).await;
            if let Err(e) = checkpoint_if_grown(&st).await {
                tracing::error!(error = %e, "periodic checkpoint failed");
            }
        }
    });
}

/// Closes question rounds and submission windows when their deadline passes,
/// without anyone clicking. It runs at start (catching up on whatever passed
/// while the server was down), sleeps until the next deadline, and wakes early
/// when a deadline or a simulated clock changes.
async fn deadline_scheduler(st: AppState) {
    loop {
        match store::procedure::close_due(&st.db, &st.clock).await {
            Ok(n) if n > 0 => tracing::info!(closed = n, "deadlines closed"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "closing deadlines failed"),
        }
        let next = store::procedure::next_due(&st.db.conn).await.ok().flatten();
        let wait = next
            .map(|at| (at - st.clock.now()).to_std().unwrap_or(Duration::ZERO))
            .unwrap_or(Duration::from_secs(60))
            .min(Duration::from_secs(60));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = st.wake.notified() => {}
        }
    }
}

/// Records every few seconds that this instance is up: the evidence for an
/// outage near a deadline (`store::availability`).
async fn heartbeat(st: AppState) {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    let mut beat = store::availability::Heartbeat::new(format!("{}:{}", if host.is_empty() { "dialoog" } else { &host }, std::process::id()));
    let mut tick = tokio::time::interval(Duration::from_secs(store::availability::BEAT_SECONDS as u64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = beat.beat(&st.db.conn, st.clock.now()).await {
            tracing::warn!(error = %e, "heartbeat not recorded");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Hands a generated password to the operator once: on the terminal when
/// there is one; otherwise (a service manager's log, a container's output)
/// into a file only its owner can read, whose place is printed, so the
/// password never rests in a log.
pub fn hand_over_password(data_dir: &std::path::Path, username: &str, password: &str) -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        return Ok(format!("gebruikersnaam '{username}', eenmalig getoond wachtwoord: {password}"));
    }
    let path = data_dir.join(format!("eenmalig-wachtwoord-{username}.txt"));
    app::store::checkpoint::write_durably_with_mode(&path, format!("{password}\n").as_bytes(), 0o600)
        .map_err(|e| format!("kan het eenmalige wachtwoord niet opslaan in {}: {e}", path.display()))?;
    Ok(format!(
        "gebruikersnaam '{username}'; het eenmalige wachtwoord staat in {} (alleen leesbaar voor deze gebruiker). \
         Verwijder dat bestand na de eerste keer inloggen.",
        path.display()
    ))
}
