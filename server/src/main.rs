//! `dialoog`: the server and its command line.
//!
//! ```text
//! dialoog [serve] [--demo] [--accept-audit-rollback]
//! dialoog audit export [--tender ID]
//! dialoog audit verify FILE [--head HEX | --checkpoint FILE] [--key HEX]
//! dialoog audit checkpoint
//! dialoog audit erase (--seq N ... | --subject S) --reden TEXT
//! dialoog audit verify-receipt FILE [--export FILE] [--key HEX]
//! dialoog outbox
//! dialoog account herstel USERNAME
//! dialoog routes
//! ```

mod cli;
mod config;
mod startup;
mod web;

/// The command line as `dialoog --help` prints it.
pub const USAGE: &str = "gebruik:
  dialoog [serve] [--demo] [--accept-audit-rollback]   start de server
  dialoog audit export [--tender ID]                   schrijf de audittrail als JSON Lines naar stdout
  dialoog audit verify BESTAND [--head HEX | --checkpoint BESTAND] [--key HEX]
                                                       controleer een export zonder database
  dialoog audit verify-receipt BESTAND [--export BESTAND] [--key HEX]
                                                       controleer een ontvangstbevestiging (inclusiebewijs,
                                                       controlepunt) en, met --export, tegen een latere export;
                                                       zonder --key alleen intern (uitkomst 3)
  dialoog outbox                                       toon de uitgaande e-mails (onderwerp, ontvanger, tekst)
  dialoog audit checkpoint                             leg nu een ondertekend controlepunt vast
  dialoog audit erase (--seq N ... | --subject S) --reden TEKST
                                                       wis persoonsgegevens (payloads) uit de audittrail;
                                                       de keten blijft controleerbaar
  dialoog account herstel GEBRUIKERSNAAM               een nieuw eenmalig wachtwoord voor een account dat niet
                                                       meer kan inloggen (tweede stap gewist, sessies beëindigd)
  dialoog routes                                       toon alle routes en serverfuncties";

use std::process::ExitCode;

/// glibc raises its mmap threshold after a large block is freed, so the 19 MiB
/// blocks of every argon2 password hash are afterwards served from (and kept
/// in) per-thread heaps: measured, 200 registrations left the server at 1.2 GB
/// resident instead of 36 MB. A fixed threshold keeps large blocks mapped and
/// returns them to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_malloc_threshold() {
    // SAFETY: mallopt only changes a setting of the allocator; it is called
    // before the runtime starts any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_malloc_threshold() {}

fn main() -> ExitCode {
    fix_malloc_threshold();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("the async runtime starts").block_on(run())
}

async fn run() -> ExitCode {
    if let Err(e) = config::init_logging() {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["audit", "verify", rest @ ..] => cli::audit_verify(rest),
        ["audit", "verify-receipt", rest @ ..] => cli::audit_verify_receipt(rest),
        ["outbox"] => with_config(cli::outbox).await,
        ["account", "herstel", username] => {
            let username = username.to_string();
            with_config(move |c| cli::recover_account(c, username)).await
        }
        ["audit", rest @ ..] => with_config(|c| cli::audit_db(c, rest)).await,
        ["serve", rest @ ..] => with_config(|c| startup::serve(c, rest)).await,
        ["routes"] => {
            for line in web::route_table() {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        ["help" | "--help" | "-h"] => {
            println!("{}", USAGE);
            ExitCode::SUCCESS
        }
        rest if rest.first().is_none_or(|w| w.starts_with("--")) => with_config(|c| startup::serve(c, rest)).await,
        _ => {
            eprintln!("onbekende opdracht\n{}", USAGE);
            ExitCode::from(2)
        }
    }
}

async fn with_config<'a, F, Fut>(f: F) -> ExitCode
where
    F: FnOnce(config::Config) -> Fut,
    Fut: std::future::Future<Output = ExitCode> + 'a,
{
    match config::Config::from_env() {
        Ok(c) => f(c).await,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
