//! Command-line tools for the audit trail: export, verify (without the
//! database) and an operator's checkpoint.

use crate::config::Config;
use app::domain::audit::{ExpectedHead, Verifier};
use app::domain::merkle;
use app::store::checkpoint;
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Opens the database and anchor for a command, saying why when it cannot.
async fn open(cfg: &Config) -> Option<(app::store::Db, checkpoint::Anchor)> {
    match crate::startup::open(cfg).await {
        Ok(x) => Some(x),
        Err(e) => {
            eprintln!("{e}");
            None
        }
    }
}

/// `audit export`, `audit erase` and `audit checkpoint`: need the database.
pub async fn audit_db(cfg: Config, args: &[&str]) -> ExitCode {
    match args {
        ["export", rest @ ..] => {
            let tender = match rest {
                [] => None,
                ["--tender", id] => match id.parse::<app::ids::TenderId>() {
                    Ok(t) => Some(t),
                    Err(_) => {
                        eprintln!("--tender verwacht een nummer");
                        return ExitCode::from(2);
                    }
                },
                _ => {
                    eprintln!("{}", crate::USAGE);
                    return ExitCode::from(2);
                }
            };
            let Some((db, _)) = open(&cfg).await else { return ExitCode::FAILURE };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let res = app::store::audit::export(&db.conn, tender, |line| {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")
            })
            .await;
            if let Err(e) = res.map_err(|e| e.to_string()).and_then(|_| out.flush().map_err(|e| e.to_string())) {
                eprintln!("export mislukt: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        ["erase", rest @ ..] => erase(cfg, rest).await,
        ["checkpoint"] => {
            let Some((db, anchor)) = open(&cfg).await else { return ExitCode::FAILURE };
            let files = match app::store::files::FileStore::open(&cfg.data_dir.join("files")) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("kan de bestandsopslag niet openen: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let st = app::state::AppState::new(db, anchor, files, app::state::Clock::System, false, app::state::Settings::local());
            let res = async {
                let op = app::store::Op::anywhere(&st.db, &st.clock, app::store::Actor::system()).await?;
                app::server_ops::checkpoint_now(op, &st.anchor).await
            }
            .await;
            match res {
                Ok(size) => {
                    println!("controlepunt vastgelegd bij {size} events: {}", st.anchor.latest_path().display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("controlepunt mislukt: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("{}", crate::USAGE);
            ExitCode::from(2)
        }
    }
}

/// `audit verify FILE`: exit 0 and the head hash when intact; exit 1 and the
/// sequence number of the first bad event otherwise; exit 2 on a usage error.
pub fn audit_verify(args: &[&str]) -> ExitCode {
    let mut file = None;
    let mut head = None;
    let mut cp_file = None;
    let mut key = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--head" => head = it.next().copied(),
            "--checkpoint" => cp_file = it.next().copied(),
            "--key" => key = it.next().copied(),
            f if file.is_none() && !f.starts_with("--") => file = Some(f),
            _ => {
                eprintln!("{}", crate::USAGE);
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("{}", crate::USAGE);
        return ExitCode::from(2);
    };
    let expected = match (head, cp_file) {
        (Some(_), Some(_)) => {
            eprintln!("geef --head of --checkpoint, niet beide");
            return ExitCode::from(2);
        }
        (Some(h), None) => match merkle::parse_hash(h) {
            Some(root) => Some(ExpectedHead { size: None, root }),
            None => {
                eprintln!("--head verwacht 64 hexadecimale tekens");
                return ExitCode::from(2);
            }
        },
        (None, Some(path)) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("kan {path} niet lezen: {e}");
                    return ExitCode::from(2);
                }
            };
            let key = match key.map(checkpoint::parse_public_key) {
                None => None,
                Some(Ok(k)) => Some(k),
                Some(Err(e)) => {
                    eprintln!("--key: {e}");
                    return ExitCode::from(2);
                }
            };
            match checkpoint::parse(&text, key.as_ref()) {
                Ok(cp) => Some(ExpectedHead { size: Some(cp.size), root: cp.root }),
                Err(e) => {
                    println!("ONGELDIG: {e}");
                    return ExitCode::from(1);
                }
            }
        }
        (None, None) => None,
    };
    let f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("kan {file} niet openen: {e}");
            return ExitCode::from(2);
        }
    };
    let mut v = Verifier::new(None, expected);
    let reader = std::io::BufReader::with_capacity(1 << 20, f);
    for line in reader.split(b'\n') {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("leesfout: {e}");
                return ExitCode::from(2);
            }
        };
        if line.is_empty() {
            continue;
        }
        let res = match std::str::from_utf8(&line) {
            Ok(s) => v.push_line(s),
            Err(_) => v.push_line("\u{fffd}"),
        };
        if let Err(b) = res {
            println!("BESCHADIGD bij event {}: {}", b.seq, b.reason);
            return ExitCode::from(1);
        }
    }
    match v.finish() {
        Ok(ok) => {
            println!("INTACT: {} events; kophash (Merkle-wortel) {}", ok.size, hex::encode(ok.root));
            if ok.erased_payloads > 0 {
                println!("{} events met gewiste persoonsgegevens (payload), de keten is wel volledig gecontroleerd", ok.erased_payloads);
            }
            if ok.withheld_payloads > 0 {
                println!("{} events zonder inhoud in deze export (verzegeld voor de lezer, nog vastgelegd in de keten)", ok.withheld_payloads);
            }
            if ok.sealed_events > 0 {
                println!("{} events alleen als hash in deze export (verzegeld voor de lezer; keten en boom zijn wel gecontroleerd)", ok.sealed_events);
            }
            ExitCode::SUCCESS
        }
        Err(b) => {
            println!("BESCHADIGD bij event {}: {}", b.seq, b.reason);
            ExitCode::from(1)
        }
    }
}

/// `audit erase`: the erasure procedure for personal data in event payloads.
async fn erase(cfg: Config, args: &[&str]) -> ExitCode {
    let mut seqs = Vec::new();
    let mut subject = None;
    let mut reason = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (*a, it.next()) {
            ("--seq", Some(n)) => match n.parse::<i64>() {
                Ok(n) if n > 0 => seqs.push(n),
                _ => {
                    eprintln!("--seq verwacht een volgnummer groter dan 0");
                    return ExitCode::from(2);
                }
            },
            ("--subject", Some(s)) => subject = Some(s.to_string()),
            ("--reden", Some(r)) if !r.trim().is_empty() => reason = Some(r.to_string()),
            _ => {
                eprintln!("{}", crate::USAGE);
                return ExitCode::from(2);
            }
        }
    }
    let Some(reason) = reason else {
        eprintln!("geef met --reden aan waarom de gegevens worden gewist (bijvoorbeeld een AVG-verzoek met kenmerk)");
        return ExitCode::from(2);
    };
    if seqs.is_empty() && subject.is_none() {
        eprintln!("geef met --seq of --subject aan welke events het betreft");
        return ExitCode::from(2);
    }
    let Some((db, _)) = open(&cfg).await else { return ExitCode::FAILURE };
    let res = async {
        let mut op = app::store::Op::anywhere(&db, &app::state::Clock::System, app::store::Actor::system()).await?;
        let done = app::store::audit::erase_payloads(&mut op, &seqs, subject.as_slice(), &reason).await?;
        if !done.is_empty() {
            op.commit().await?;
        }
        Ok::<_, app::error::AppError>(done)
    }
    .await;
    match res {
        Ok(done) if done.is_empty() => {
            println!("niets gewist: geen (nog niet gewiste) payloads gevonden");
            ExitCode::SUCCESS
        }
        Ok(done) => {
            println!(
                "payloads gewist van {} events: {}",
                done.len(),
                done.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wissen mislukt, er is niets gewijzigd: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `audit verify-receipt RECEIPT [--export FILE] [--key HEX]`: exit 0 when the
/// receipt is intact (its entry, commitment and inclusion proof; the signed
/// checkpoint with --key, or with the key the receipt names) and, with an
/// export, when that export's log contains the receipt's event and grew from
/// the receipt's tree; exit 1 with the reason otherwise; exit 2 on usage errors.
pub fn audit_verify_receipt(args: &[&str]) -> ExitCode {
    let (mut file, mut export, mut key) = (None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--export" => export = it.next().copied(),
            "--key" => key = it.next().copied(),
            f if file.is_none() && !f.starts_with("--") => file = Some(f),
            _ => {
                eprintln!("{}", crate::USAGE);
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("{}", crate::USAGE);
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kan {file} niet lezen: {e}");
            return ExitCode::from(2);
        }
    };
    let bad = |why: String| {
        println!("ONGELDIG: {why}");
        ExitCode::from(1)
    };
    let r: app::domain::receipt::Receipt = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => return bad(format!("geen ontvangstbevestiging: {e}")),
    };
    let (size, root) = match app::domain::receipt::verify(&r) {
        Ok(x) => x,
        Err(e) => return bad(e),
    };
    let key_hex = key.unwrap_or(r.audit.public_key.as_str());
    let vk = match checkpoint::parse_public_key(key_hex) {
        Ok(k) => k,
        Err(e) => return bad(format!("sleutel: {e}")),
    };
    match checkpoint::parse(&r.audit.checkpoint, Some(&vk)) {
        Ok(cp) if cp.size == size && cp.root == root => {}
        Ok(_) => return bad("het controlepunt hoort niet bij de boom van de bevestiging".into()),
        Err(e) => return bad(format!("controlepunt: {e}")),
    }
    if let Some(path) = export {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("kan {path} niet lezen: {e}");
                return ExitCode::from(2);
            }
        };
        let mut leaves = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let l: app::domain::audit::ExportLine = match serde_json::from_str(line) {
                Ok(l) => l,
                Err(e) => return bad(format!("export regel {}: {e}", i + 1)),
            };
            leaves.push(l.entry.leaf_hash());
        }
        if let Err(b) = app::domain::audit::verify_export(&text, None) {
            return bad(format!("de export zelf is niet intact bij event {}: {}", b.seq, b.reason));
        }
        if (leaves.len() as u64) < size {
            return bad(format!("de export ({} events) is korter dan de boom van de bevestiging ({size})", leaves.len()));
        }
        if merkle::root_of(&leaves[..size as usize]) != root {
            return bad("de export bevat een andere geschiedenis dan de bevestiging: de boomwortels verschillen".into());
        }
    }
    let what = format!(
        "indiening {} van {} ontvangen op {}, event {} in een boom van {size} events{}{}",
        r.indiening,
        r.organisatie,
        r.ontvangen_op,
        r.audit.seq,
        if export.is_some() { "; de export bevat dit event ongewijzigd" } else { "" },
        if r.format == app::domain::receipt::FORMAT_V1 {
            "; let op: deze bevestiging (v1) bindt alleen de onderdelen en het tijdstip, niet de naam en het KvK-nummer"
        } else {
            ""
        }
    );
    if key.is_none() {
        // The key inside the receipt proves nothing on its own: whoever made
        // the receipt chose it.
        println!(
            "ALLEEN INTERN CONSISTENT: {what}. Het controlepunt is alleen gecontroleerd met de sleutel uit de bevestiging zelf; \
             geef met --key de publieke sleutel die de aanbestedende dienst publiceert (pagina Audittrail) om het echt vast te stellen."
        );
        return ExitCode::from(3);
    }
    println!("INTACT: {what}");
    ExitCode::SUCCESS
}

/// `outbox`: the e-mails the application wrote, oldest first.
pub async fn outbox(cfg: Config) -> ExitCode {
    let Some((db, _)) = open(&cfg).await else { return ExitCode::FAILURE };
    match app::store::messages::outbox_all(&db.conn).await {
        Ok(mails) => {
            for m in mails {
                println!("--- {} · aan: {} · {}\n{}", m.created_at.to_rfc3339(), m.to_address, m.subject, m.body);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kan de outbox niet lezen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `account herstel USERNAME`: a new one-time password for an account that
/// cannot log in (lost password or second factor, also the only beheerder).
pub async fn recover_account(cfg: Config, username: String) -> ExitCode {
    let Some((db, _)) = open(&cfg).await else { return ExitCode::FAILURE };
    let name = match app::domain::values::Username::parse(&username) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("{}", e.message());
            return ExitCode::from(2);
        }
    };
    let res = async {
        let mut op = app::store::Op::anywhere(&db, &app::state::Clock::System, app::store::Actor::system()).await?;
        let (u, password) = app::store::administration::recover(&mut op, &name).await?;
        op.commit().await?;
        Ok::<_, app::error::AppError>((u, password))
    }
    .await;
    match res {
        Ok((u, password)) => match crate::startup::hand_over_password(&cfg.data_dir, u.username.as_str(), &password) {
            Ok(line) => {
                println!("Account hersteld: {line}");
                println!(
                    "Het wachtwoord werkt {} uur en moet bij de eerste keer inloggen worden vervangen; daarna stelt de gebruiker de tweede stap opnieuw in.",
                    app::store::users::ONE_TIME_HOURS
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(if e.status() < 500 { 2 } else { 1 })
        }
    }
}
