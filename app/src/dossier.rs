//! The procurement dossier (server only): `GET /stukken/{tender}/dossier.zip`,
//! one ZIP with every document of record, the spreadsheets, the open data,
//! the data of the notices (eForms), the audit trail with its latest signed
//! checkpoint and public key, the published tender documents, a LEESMIJ and
//! a SHA256SUMS of it all.
//!
//! For the tender's inkopers and waarnemers (who may export its trail).
//! Every piece is made exactly as that reader would download it on its own,
//! by the same checks, so the dossier reveals nothing its reader could not
//! already fetch; a piece that does not exist yet is listed in the LEESMIJ
//! with the reason.
//!
//! Streamed: pieces are made one at a time and written into the ZIP on a
//! blocking thread while the response is sent (files straight from disk),
//! with back-pressure, so the dossier is never whole in memory. The ZIP's
//! own SHA-256 is recorded as a `dossier.downloaded` event before its last
//! bytes are sent: a complete download is always on record.

use crate::api::guard::{self, Allowed};
use crate::domain::access::Action;
use crate::domain::calendar::show_instant;
use crate::error::AppError;
use crate::ids::TenderId;
use crate::state::AppState;
use crate::store::event::{Event, Subject};
use crate::store::op::Op;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use chrono::{DateTime, Datelike, Timelike, Utc};
use sha2::{Digest, Sha256};
use std::io::Write;
use tokio::sync::mpsc;
use tower_sessions::Session;

pub fn router(st: AppState) -> Router {
    Router::new().route("/stukken/{tender}/dossier.zip", get(serve)).with_state(st)
}

/// The routes of this module, for `dialoog routes`.
pub const ROUTES: &[&str] = &["GET /stukken/{tender}/dossier.zip"];

/// What the ZIP writer receives, in order: a new entry, its bytes (in
/// pieces or as an open file), and so on.
enum Piece {
    Start { name: String, compress: bool },
    Data(Bytes),
    File(std::fs::File),
}

/// The ZIP is sent in pieces of at least this size; as much is held back
/// until the download is on record.
const CHUNK: usize = 64 * 1024;

async fn serve(State(st): State<AppState>, session: Session, Path(tender): Path<TenderId>) -> Response {
    let ok = async {
        let user = guard::require_user_of_session(&st, &session).await?;
        guard::allowed_for(&st, user, tender, Action::ExportAuditTrail).await
    }
    .await;
    let ok = match ok {
        Ok(ok) => ok,
        Err(e) => return crate::uploads::plain(crate::uploads::status_of(&e), &e.to_string()),
    };
    let made = crate::store::clock::tender_now(&ok.tender, st.clock.now());
    let name = format!("dossier-{}.zip", crate::store::files::reference_slug(&ok.tender.reference));
    let (body_tx, body_rx) = mpsc::channel::<std::io::Result<Bytes>>(8);
    let (piece_tx, piece_rx) = mpsc::channel::<Piece>(2);
    let writer = tokio::task::spawn_blocking({
        let body_tx = body_tx.clone();
        move || write_zip(piece_rx, body_tx, made)
    });
    tokio::spawn(async move {
        let produced = produce(&st, &ok, made, &piece_tx).await;
        drop(piece_tx);
        let written = writer.await;
        let fail = |what: &str| {
            let _ = body_tx.try_send(Err(std::io::Error::other(what.to_string())));
        };
        let (digest, size, files, tail) = match (written, produced) {
            (Ok(Ok(w)), Ok(())) => w,
            // The reader went away: nothing to record.
            (Ok(Err(e)), _) => {
                tracing::info!(error = %e, "a dossier download was broken off");
                return fail("het dossier is afgebroken");
            }
            (Ok(Ok(_)), Err(e)) => {
                tracing::error!(error = %e, "the dossier could not be made");
                return fail("het dossier kon niet worden samengesteld");
            }
            (Err(e), _) => {
                tracing::error!(error = %e, "the dossier's writer failed");
                return fail("het dossier kon niet worden samengesteld");
            }
        };
        let recorded = async {
            let mut op = Op::begin(&st.db, &st.clock, ok.user.clone(), ok.tender.id, Action::ExportAuditTrail).await?;
            op.record(Event::DossierDownloaded { subject: Subject::Tender(ok.tender.id), sha256: digest, bytes: size.to_string(), bestanden: files.to_string() })
                .await?;
            op.commit().await
        }
        .await;
        match recorded {
            Ok(()) => {
                let _ = body_tx.send(Ok(tail)).await;
            }
            Err(e) => {
                tracing::error!(error = %e, "the dossier's download could not be recorded");
                fail("de download kon niet worden vastgelegd");
            }
        }
    });
    let stream = futures_util::stream::unfold(body_rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) });
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Makes the pieces one by one and hands them to the ZIP writer.
async fn produce(st: &AppState, ok: &Allowed, made: DateTime<Utc>, out: &mpsc::Sender<Piece>) -> Result<(), AppError> {
    let send = |p: Piece| async move { out.send(p).await.map_err(|_| AppError::Internal) };
    let mut included: Vec<(String, String)> = vec![];
    let mut missing: Vec<(String, String)> = vec![];

    // Documents of record and spreadsheets, each as this reader gets it.
    let described: &[(&str, &str)] = &[
        ("proces-verbaal.pdf", "Proces-verbaal van opening"),
        ("nota-van-inlichtingen.pdf", "Nota's van Inlichtingen"),
        ("beoordelingsrapport.pdf", "Beoordelingsrapport en gunningsadvies"),
        ("beoordelingsrapport-met-bijlage.pdf", "Beoordelingsrapport met de individuele scores en verklaringen als bijlage (intern)"),
        ("gunningsbeslissing.pdf", "Gunningsbeslissing: de brieven zoals verzonden"),
        ("contractoverzicht.pdf", "Contractoverzicht"),
        ("scorematrix.xlsx", "Scorematrix: de individuele scores"),
        ("consensus.xlsx", "Consensusmatrix"),
        ("inschrijvingen.xlsx", "Inschrijvingen met uitslag"),
        ("audittrail.xlsx", "Audittrail als spreadsheet"),
    ];
    for (file, what) in described {
        let dir = if file.ends_with(".pdf") { "stukken" } else { "spreadsheets" };
        let mut part = 1;
        loop {
            match crate::pdf::document(st, ok.user.clone(), ok.tender.id, file, part).await {
                Ok(doc) => {
                    let name = format!("{dir}/{}", doc.name);
                    send(Piece::Start { name: name.clone(), compress: false }).await?;
                    send(Piece::Data(doc.bytes.into())).await?;
                    included.push((name, what.to_string()));
                }
                Err(e @ AppError::NotFound(_)) => {
                    if part == 1 {
                        missing.push((what.to_string(), e.to_string()));
                    }
                    break;
                }
                // The dossier's readers may read every piece in its phase.
                Err(AppError::Forbidden(_)) => {
                    missing.push((what.to_string(), "Komt er in een latere fase van de aanbesteding.".into()));
                    break;
                }
                Err(e) => return Err(e),
            }
            if *file != "audittrail.xlsx" {
                break;
            }
            part += 1;
        }
    }

    // The facts of the open data and the notices, read once.
    let f = crate::ocds::facts_now(&st.db, &ok.tender, made).await?;

    // Open data, as published (nothing before the publication).
    let base = st.settings.public_url.trim_end_matches('/').to_string();
    if crate::ocds::published(&ok.tender, made) {
        for (name, v) in [
            ("open-data/ocds-release-package.json", f.release_package(&st.settings.ocid_prefix, &base)),
            ("open-data/ocds-record-package.json", f.record_package(&st.settings.ocid_prefix, &base)),
        ] {
            send(Piece::Start { name: name.into(), compress: true }).await?;
            send(Piece::Data(serde_json::to_vec_pretty(&v).map_err(|_| AppError::Internal)?.into())).await?;
        }
        included.push(("open-data/".into(), "Open data (OCDS 1.1.5): het releasepakket en het recordpakket".into()));
    } else {
        missing.push(("Open data (OCDS)".into(), "De aanbesteding is nog niet gepubliceerd.".into()));
    }

    // The data of the notices for TenderNed (eForms), as they stand now.
    let extra = crate::eforms::extra(&st.db.conn, &f).await?;
    let head = crate::pdf::head_in_words(st, ok).await?;
    for n in crate::eforms::notices(&f, &extra) {
        let name = format!("aankondigingen/{}", n.file);
        send(Piece::Start { name: name.clone(), compress: true }).await?;
        send(Piece::Data(crate::eforms::stamped(&n.xml, made, head.as_deref()).into_bytes().into())).await?;
        included.push((name, format!("{} (eForms {}, subtype {})", n.title, n.code, n.subtype)));
    }

    // The audit trail: the checkpoint first, so the export that follows
    // holds at least what it signs.
    let checkpoint = std::fs::read_to_string(st.anchor.latest_path()).ok();
    let reader = crate::store::audit::reader_for(&st.db.conn, ok.user.id, Action::ExportAuditTrail).await?;
    send(Piece::Start { name: "audittrail/audittrail.jsonl".into(), compress: true }).await?;
    let mut after = None;
    while let Some((text, last)) = crate::store::audit::export_piece(&st.db.conn, &reader, after).await? {
        send(Piece::Data(text.into())).await?;
        after = Some(last);
    }
    included.push(("audittrail/audittrail.jsonl".into(), "De audittrail (JSON Lines), zoals u die mag zien".into()));
    match &checkpoint {
        Some(cp) => {
            send(Piece::Start { name: "audittrail/checkpoint".into(), compress: false }).await?;
            send(Piece::Data(cp.clone().into_bytes().into())).await?;
            included.push(("audittrail/checkpoint".into(), "Het laatste ondertekende controlepunt".into()));
        }
        None => missing.push(("Ondertekend controlepunt".into(), "Er is nog geen controlepunt vastgelegd.".into())),
    }
    send(Piece::Start { name: "audittrail/checkpoint-signing.pub".into(), compress: false }).await?;
    send(Piece::Data(format!("{}\n", st.anchor.public_key_hex()).into_bytes().into())).await?;
    included.push(("audittrail/checkpoint-signing.pub".into(), "De publieke sleutel (Ed25519) van de controlepunten".into()));

    // The published tender documents, each version as bidders received it.
    let published = *ok.tender.phase != crate::domain::access::Phase::Concept;
    let mut docs = 0;
    if published {
        for d in crate::store::documents::list(&st.db.conn, ok.tender.id).await? {
            let title: String = crate::store::files::slug(&d.title).chars().take(60).collect();
            for v in crate::store::documents::versions(&st.db.conn, d.id).await?.into_iter().filter(|v| v.visible_to_bidders) {
                let stem = format!("documenten/{:02}-{title}-versie-{}", d.position, v.v.version);
                if let Some(id) = v.v.file_id {
                    let Some(f) = crate::store::files::by_id(&st.db.conn, id).await? else { continue };
                    let file = st.files.open_read(&f).await.map_err(|e| {
                        tracing::error!(file = %f.id, error = %e, "stored file unreadable");
                        AppError::Internal
                    })?;
                    send(Piece::Start { name: format!("{stem}.{}", crate::store::files::extension_for(&f.media_type)), compress: true }).await?;
                    send(Piece::File(file.into_std().await)).await?;
                } else if let Some(md) = &v.v.body_md {
                    send(Piece::Start { name: format!("{stem}.md"), compress: true }).await?;
                    send(Piece::Data(md.clone().into_bytes().into())).await?;
                }
                docs += 1;
            }
        }
    }
    if docs > 0 {
        included.push(("documenten/".into(), format!("De gepubliceerde aanbestedingsdocumenten, elke versie ({docs} bestanden)")));
    } else {
        missing.push(("Gepubliceerde documenten".into(), "Er zijn (nog) geen gepubliceerde documenten.".into()));
    }

    send(Piece::Start { name: "LEESMIJ.txt".into(), compress: true }).await?;
    send(Piece::Data(readme(ok, made, head.as_deref(), &included, &missing, checkpoint.is_some()).into_bytes().into())).await?;
    Ok(())
}

/// The LEESMIJ: what is in the dossier, what is not yet and why, and how to
/// check it.
fn readme(ok: &Allowed, made: DateTime<Utc>, head: Option<&str>, included: &[(String, String)], missing: &[(String, String)], checkpoint: bool) -> String {
    let mut t = String::new();
    t.push_str(&format!("Dossier van de aanbesteding \"{}\" ({})\r\n", ok.tender.title, ok.tender.reference));
    t.push_str(&format!("Samengesteld op {} (de klok van de aanbesteding), voor {}.\r\n", show_instant(made), ok.user.display_name));
    if let Some(h) = head {
        t.push_str(&format!("{h}; de audittrail in dit dossier loopt tot dat moment of iets verder.\r\n"));
    }
    t.push_str("\r\n");
    t.push_str("Inhoud\r\n");
    for (name, what) in included {
        t.push_str(&format!("- {name}: {what}\r\n"));
    }
    t.push_str("- SHA256SUMS: de SHA-256 van elk bestand in dit dossier\r\n");
    t.push_str("- LEESMIJ.txt: dit bestand\r\n");
    if !missing.is_empty() {
        t.push_str("\r\nNog niet in dit dossier\r\n");
        for (what, why) in missing {
            t.push_str(&format!("- {what}: {why}\r\n"));
        }
    }
    t.push_str("\r\nDe bestanden controleren\r\n");
    t.push_str("Pak het dossier uit en voer in de map uit:\r\n    sha256sum -c SHA256SUMS\r\n");
    t.push_str("Elke regel moet eindigen op OK.\r\n");
    t.push_str("\r\nDe audittrail controleren\r\n");
    t.push_str("Elke handeling in de aanbesteding staat in de audittrail, in een keten van hashes en een Merkle-boom.\r\n");
    t.push_str("Met het programma dialoog controleert u die zonder de database:\r\n");
    if checkpoint {
        t.push_str("    dialoog audit verify audittrail/audittrail.jsonl --checkpoint audittrail/checkpoint --key $(cat audittrail/checkpoint-signing.pub)\r\n");
        t.push_str("Bij een gave audittrail meldt het INTACT met het aantal gebeurtenissen en de kophash; het controlepunt is\r\n");
        t.push_str("dan ondertekend met de sleutel en hoort bij precies deze audittrail. Vergelijk de sleutel met de sleutel die\r\n");
        t.push_str("de organisatie publiceert (ook op de pagina Audittrail): alleen dan weet u dat het controlepunt echt is.\r\n");
    } else {
        t.push_str("    dialoog audit verify audittrail/audittrail.jsonl\r\n");
        t.push_str("Bij een gave audittrail meldt het INTACT met het aantal gebeurtenissen en de kophash.\r\n");
    }
    t.push_str("Gebeurtenissen die u nu nog niet mag zien (bijvoorbeeld over inschrijvingen voor de opening, of andere\r\n");
    t.push_str("aanbestedingen) staan er alleen als hash in; de keten en de boom worden toch volledig gecontroleerd.\r\n");
    t.push_str("\r\nDit dossier zelf\r\n");
    t.push_str("De SHA-256 van dit ZIP-bestand staat in de audittrail, als gebeurtenis dossier.downloaded op het moment\r\n");
    t.push_str("van downloaden. Zo is later na te gaan dat een kopie ongewijzigd is:\r\n    sha256sum dossier-*.zip\r\n");
    t
}

/// The response side of the ZIP: hashes everything written, holds the last
/// bytes back (they are sent once the download is on record), and sends
/// the rest in chunks, waiting while the reader is slow.
struct Out {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    hash: Sha256,
    size: u64,
    buf: Vec<u8>,
}

impl Write for Out {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.hash.update(data);
        self.size += data.len() as u64;
        self.buf.extend_from_slice(data);
        // Send all but the last CHUNK bytes, so something is always held.
        if self.buf.len() >= 2 * CHUNK {
            let keep = self.buf.split_off(self.buf.len() - CHUNK);
            let chunk = Bytes::from(std::mem::replace(&mut self.buf, keep));
            self.tx.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "de ontvanger is weg"))?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An entry's bytes pass through here on their way into the ZIP, for the
/// SHA256SUMS.
struct Summed<'a, W: Write> {
    inner: &'a mut W,
    hash: &'a mut Sha256,
}

impl<W: Write> Write for Summed<'_, W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(data)?;
        self.hash.update(&data[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the ZIP (on a blocking thread): returns its SHA-256, its size,
/// the number of files and the bytes still held back.
fn write_zip(mut rx: mpsc::Receiver<Piece>, tx: mpsc::Sender<std::io::Result<Bytes>>, made: DateTime<Utc>) -> std::io::Result<(String, u64, usize, Bytes)> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let local = made.with_timezone(&chrono_tz::Europe::Amsterdam);
    let when = zip::DateTime::from_date_and_time(
        local.year().clamp(1980, 2107) as u16,
        local.month() as u8,
        local.day() as u8,
        local.hour() as u8,
        local.minute() as u8,
        local.second() as u8,
    )
    .unwrap_or_default();
    let options = |compress: bool| {
        SimpleFileOptions::default()
            .compression_method(if compress { CompressionMethod::Deflated } else { CompressionMethod::Stored })
            .last_modified_time(when)
            .large_file(true)
            .unix_permissions(0o644)
    };
    let out = Out { tx, hash: Sha256::new(), size: 0, buf: Vec::with_capacity(2 * CHUNK) };
    let mut zip = zip::ZipWriter::new_stream(out);
    let mut sums = String::new();
    let mut current: Option<(String, Sha256)> = None;
    let close = |current: &mut Option<(String, Sha256)>, sums: &mut String| {
        if let Some((name, h)) = current.take() {
            sums.push_str(&format!("{}  {name}\n", hex::encode(h.finalize())));
        }
    };
    let zerr = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    let mut files = 0;
    while let Some(piece) = rx.blocking_recv() {
        match piece {
            Piece::Start { name, compress } => {
                close(&mut current, &mut sums);
                zip.start_file(name.as_str(), options(compress)).map_err(zerr)?;
                current = Some((name, Sha256::new()));
                files += 1;
            }
            Piece::Data(b) => {
                let h = &mut current.as_mut().ok_or_else(|| std::io::Error::other("data before an entry"))?.1;
                h.update(&b);
                zip.write_all(&b)?;
            }
            Piece::File(mut f) => {
                let h = &mut current.as_mut().ok_or_else(|| std::io::Error::other("a file before an entry"))?.1;
                std::io::copy(&mut f, &mut Summed { inner: &mut zip, hash: h })?;
            }
        }
    }
    close(&mut current, &mut sums);
    zip.start_file("SHA256SUMS", options(true)).map_err(zerr)?;
    zip.write_all(sums.as_bytes())?;
    files += 1;
    let out = zip.finish().map_err(zerr)?.into_inner();
    Ok((hex::encode(out.hash.finalize()), out.size, files, Bytes::from(out.buf)))
}
