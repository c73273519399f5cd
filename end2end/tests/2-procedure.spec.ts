import { ocdsTags, pdfOf, test, expect, go, as, setClock, toPhase, PASSWORD, SEAL } from "./helpers";
import * as fs from "node:fs";
import * as crypto from "node:crypto";

// The whole procedure on the seeded training tender, in one browser per
// person: publication, registration, a question and its NvI, a dialogue slot,
// an upload with a progress bar, submission and receipt, the four-eyes opening.
// The steps depend on each other, so they run in order in one test.

test("a tender runs from publication through NvI, dialogue and sealed submission to a four-eyes opening", async ({ browser }) => {
  test.setTimeout(180_000);
  const inkoper = await as(browser, "inkoper1");

  // Publication on 17 May 2023 (simulated clock).
  await setClock(inkoper, "2023-05-17T09:00:00");
  await toPhase(inkoper, "gepubliceerd", "Gepubliceerd");

  // A new bidder registers its organisation and is signed in straight away.
  const bidder = await as(browser);
  await go(bidder, "/registreren");
  await bidder.getByLabel("KvK-nummer (8 cijfers)").fill("61234567");
  await bidder.locator("#naam").fill("Jeugdteam Duinstreek B.V.");
  await bidder.getByLabel("Adres", { exact: true }).fill("Kanaalkade 10");
  await bidder.getByLabel("Postcode").fill("1811 LP");
  await bidder.getByLabel("Plaats").fill("Alkmaar");
  await bidder.locator("#contactpersoon").fill("Fatima el Amrani");
  await bidder.getByLabel("E-mailadres").fill("fatima@duinstreek.example");
  await bidder.getByLabel("Telefoon").fill("072 123 45 67");
  await bidder.getByLabel("Gebruikersnaam").fill("duinstreek");
  await bidder.locator("#wachtwoord").fill(PASSWORD + "-duinstreek");
  await bidder.getByLabel("Herhaal het wachtwoord").fill(PASSWORD + "-duinstreek");
  await bidder.getByLabel("Aanmelden voor aanbesteding").selectOption({ index: 0 });
  await bidder.getByRole("button", { name: "Registreren" }).click();
  await expect(bidder).toHaveURL(/\/organisatie$/);
  await expect(bidder.getByRole("heading", { name: "Mijn organisatie" })).toBeVisible();
  await expect(bidder.locator("main")).toContainText("Jeugdteam Duinstreek B.V.");

  // The bidder asks a question.
  await go(bidder, "/aanbesteding/1/vragen");
  await bidder.getByLabel("Verwijzing (document, paragraaf)").fill("Programma van eisen §3");
  await bidder.getByLabel("Uw vraag").fill("Hoeveel uur per week is de schoolmaatschappelijk werker aanwezig?");
  await bidder.getByRole("button", { name: "Vraag stellen" }).click();
  await expect(bidder.getByRole("status").filter({ hasText: "Uw vraag is ontvangen" })).toBeVisible();
  await expect(bidder.getByTestId("vraag")).toContainText("schoolmaatschappelijk werker");

  // The inkoper sees who asked, answers, and publishes NvI 1 after the question deadline.
  await go(inkoper, "/aanbesteding/1/vragen");
  await expect(inkoper.getByTestId("vraagsteller")).toContainText("Jeugdteam Duinstreek B.V.");
  await inkoper.getByLabel("Antwoord op vraag 1").fill("Minimaal **16 uur** per week per school.");
  await inkoper.getByRole("button", { name: "Antwoord opslaan" }).click();
  await expect(inkoper.getByRole("status").filter({ hasText: "Het antwoord is opgeslagen" })).toBeVisible();
  await setClock(inkoper, "2023-06-07T12:00:01");
  await go(inkoper, "/aanbesteding/1/vragen");
  await inkoper.locator("summary", { hasText: "Publiceren als Nota van Inlichtingen" }).click();
  await inkoper.getByLabel("Toelichting (Markdown)").fill("Antwoorden op de vragen van ronde 1.");
  await inkoper.getByTestId("nvi-publiceren").click();
  await expect(inkoper.getByRole("status").filter({ hasText: "De Nota van Inlichtingen is gepubliceerd" })).toBeVisible();
  expect(await ocdsTags(bidder), "open data: the tender and NvI 1, valid OCDS").toEqual(["tender", "tenderAmendment"]);

  // The bidder sees the NvI, without the asker's name, and has a message.
  await go(bidder, "/aanbesteding/1/vragen");
  await expect(bidder.getByRole("heading", { name: "Nota van Inlichtingen 1" })).toBeVisible();
  await expect(bidder.getByTestId("antwoord")).toContainText("16 uur");
  await expect(bidder.getByTestId("vraagsteller")).toHaveCount(0);
  const nvi = await pdfOf(bidder, "nvi-pdf");
  expect(nvi.name).toMatch(/^nota-van-inlichtingen-[A-Za-z0-9_-]+\.pdf$/);
  expect(nvi.text).toContain("Nota van Inlichtingen 1");
  expect(nvi.text).toContain("Minimaal 16 uur per week per school.");
  expect(nvi.text, "the asker is not in the document").not.toContain("Duinstreek");
  await go(bidder, "/berichten");
  await expect(bidder.locator("main")).toContainText("Nota van Inlichtingen 1");

  // Dialogue: the inkoper plans a round with a slot; the bidder books it.
  await go(inkoper, "/aanbesteding/1/dialoog");
  await inkoper.locator("summary", { hasText: "Nieuwe dialoogronde" }).click();
  await inkoper.getByLabel("Titel").fill("Samenwerking met de scholen");
  await inkoper.getByLabel("Thema's (Markdown)").fill("- De rol van de zorgcoördinator");
  await inkoper.getByRole("button", { name: "Ronde aanmaken" }).click();
  await expect(inkoper.getByTestId("dialoogronde")).toContainText("Ronde 1: Samenwerking met de scholen");
  await inkoper.locator("summary", { hasText: "Tijdslot toevoegen" }).click();
  await inkoper.getByLabel("Begin").fill("2023-06-12T10:00");
  await inkoper.getByLabel("Einde").fill("2023-06-12T11:00");
  await inkoper.getByLabel("Locatie of videoverbinding").fill("Stadskantoor Alkmaar, zaal 2");
  await inkoper.getByRole("button", { name: "Toevoegen" }).click();
  await expect(inkoper.getByTestId("tijdslot")).toContainText("Stadskantoor Alkmaar, zaal 2");
  await toPhase(inkoper, "dialoog", "Dialoog");

  await go(bidder, "/aanbesteding/1/dialoog");
  await bidder.getByTestId("boeken").click();
  await expect(bidder.getByRole("status").filter({ hasText: "U heeft het tijdslot geboekt." })).toBeVisible();
  await expect(bidder.getByTestId("tijdslot")).toContainText("uw organisatie");

  // The inkoper sees the booking and closes the round; every bidder proceeds.
  await go(inkoper, "/aanbesteding/1/dialoog");
  await expect(inkoper.getByTestId("tijdslot")).toContainText("Jeugdteam Duinstreek B.V.");
  await inkoper.locator("summary", { hasText: "Ronde sluiten" }).click();
  await inkoper.getByLabel("Uitkomst van de ronde").fill("Alle aanbieders gaan door naar de inschrijving.");
  await expect(inkoper.getByRole("checkbox", { name: "Jeugdteam Duinstreek B.V." })).toBeChecked();
  await inkoper.locator("button[type=submit]", { hasText: "Ronde sluiten" }).click();
  await expect(inkoper.getByRole("status").filter({ hasText: "De ronde is gesloten." })).toBeVisible();
  await toPhase(inkoper, "inschrijving", "Inschrijving");
  await setClock(inkoper, "2023-06-29T10:00:00");

  // The bidder uploads its parts; the quality plan shows a progress bar.
  await go(bidder, "/aanbesteding/1/inschrijving");
  const rows = bidder.getByTestId("onderdelen").locator("tbody tr");
  const upload = async (row: number, name: string, buffer: Buffer) => {
    const form = rows.nth(row).locator("form[data-upload]");
    await form.locator("input[type=file]").setInputFiles({ name, mimeType: "application/pdf", buffer });
    await form.getByRole("button", { name: "Uploaden" }).click();
  };
  await upload(0, "uea.pdf", Buffer.from("%PDF-1.7 UEA Jeugdteam Duinstreek"));
  await expect(rows.nth(0).getByTestId("opgeslagen")).toContainText("uea.pdf");
  await upload(1, "kvk.pdf", Buffer.from("%PDF-1.7 KvK-uittreksel Jeugdteam Duinstreek"));
  await expect(rows.nth(1).getByTestId("opgeslagen")).toContainText("kvk.pdf");
  // The upload script reloads the page; wait until the new page is interactive.
  await bidder.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await rows.nth(2).locator("textarea").fill("Wij verklaren akkoord te gaan met alle verklaringen.");
  await rows.nth(2).getByRole("button", { name: "Opslaan" }).click();
  await expect(bidder.getByRole("status").filter({ hasText: "Het formulier is opgeslagen." })).toBeVisible();

  // A slow line (2 MB/s up) so the progress of an 8 MB plan is visible.
  const plan = crypto.randomBytes(8 * 1024 * 1024);
  const planHash = crypto.createHash("sha256").update(plan).digest("hex");
  const cdp = await bidder.context().newCDPSession(bidder);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
  await upload(3, "kwaliteitsplan.pdf", plan);
  const bar = rows.nth(3).locator("progress");
  await expect(bar).toBeVisible();
  await expect(rows.nth(3).locator(".upload-status")).toContainText("Bezig met uploaden");
  await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(rows.nth(3).getByTestId("opgeslagen")).toContainText("kwaliteitsplan.pdf", { timeout: 30_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(rows.nth(3)).toContainText(planHash);
  // The browser sealed the plan itself before sending it: the server never saw it in plain.
  await expect(rows.nth(3).getByTestId("verzegeld-in")).toContainText("Versleuteld in de browser van de inschrijver");
  await bidder.locator("html[data-hydrated]").waitFor({ state: "attached" });

  // Submit, open the receipt and download it.
  await bidder.getByTestId("indienen").click();
  await expect(bidder.getByTestId("ingediend")).toContainText("29-06-2023 10:00 (+02:00)");
  await expect(bidder.getByTestId("status")).toContainText("ingediend");
  await bidder.getByTestId("bevestigingen").getByRole("link").first().click();
  await expect(bidder.getByTestId("ontvangen-op")).toHaveText("29-06-2023 10:00 (+02:00)");
  await expect(bidder.getByTestId("part-hash").filter({ hasText: planHash })).toHaveCount(1);
  await expect(bidder.getByTestId("part-verzegeld").filter({ hasText: "in de browser van de inschrijver" })).toHaveCount(3);
  const download = bidder.waitForEvent("download");
  await bidder.getByTestId("download-bevestiging").click();
  const file = await (await download).path();
  const receipt = JSON.parse(fs.readFileSync(file!, "utf8"));
  expect(receipt.ontvangen_op).toBe("29-06-2023 10:00 (+02:00)");
  expect(receipt.onderdelen.map((p: { sha256: string }) => p.sha256)).toContain(planHash);
  const planPart = receipt.onderdelen.find((p: { sha256: string }) => p.sha256 === planHash);
  expect(planPart.verzegeld).toBe("in de browser van de inschrijver");
  expect(receipt.audit.inclusion_proof).toBeInstanceOf(Array);
  expect(receipt.audit.checkpoint).toContain("dialoog/audit");
  const receiptPdf = await pdfOf(bidder, "ontvangst-pdf");
  expect(receiptPdf.text).toContain("Uw inschrijving is ontvangen");
  expect(receiptPdf.text).toContain(planHash);
  expect(receiptPdf.text).toContain("versleuteld in de browser van de inschrijver");
  expect(receiptPdf.name).toMatch(/^ontvangstbevestiging-\d+-JST-VO-2023\.pdf$/);

  // A second bidder, one of the demo organisations, submits as well.
  const other = await as(browser, "aanbieder1");
  await go(other, "/aanbesteding/1/inschrijving");
  const otherRows = other.getByTestId("onderdelen").locator("tbody tr");
  for (const [row, name] of [[0, "uea.pdf"], [1, "kvk.pdf"], [3, "plan.pdf"]] as const) {
    const form = otherRows.nth(row).locator("form[data-upload]");
    await form.locator("input[type=file]").setInputFiles({ name, mimeType: "application/pdf", buffer: Buffer.from(`%PDF-1.7 ${name} (demo)`) });
    await form.getByRole("button", { name: "Uploaden" }).click();
    await expect(otherRows.nth(row).getByTestId("opgeslagen")).toContainText(name);
    await other.locator("html[data-hydrated]").waitFor({ state: "attached" });
  }
  await otherRows.nth(2).locator("textarea").fill("Akkoord met alle verklaringen.");
  await otherRows.nth(2).getByRole("button", { name: "Opslaan" }).click();
  await expect(other.getByRole("status").filter({ hasText: "Het formulier is opgeslagen." })).toBeVisible();
  await other.getByTestId("indienen").click();
  await expect(other.getByTestId("ingediend")).toContainText("29-06-2023 10:00 (+02:00)");

  // Sealed: before the opening the inkoper sees only that bids arrived.
  await go(inkoper, "/aanbesteding/1/opening");
  await expect(inkoper.getByTestId("aantal")).toHaveText("2");
  await expect(inkoper.locator("main")).not.toContainText("Jeugdteam Duinstreek");
  await expect(inkoper.getByTestId("opening-starten")).toBeDisabled();

  // After the deadline, two inkopers open the bids.
  await setClock(inkoper, "2023-06-30T12:00:01");
  await go(inkoper, "/aanbesteding/1/opening");
  // The bids are sealed: each of the two key holders gives their passphrase.
  await expect(inkoper.getByTestId("verzegeling")).toContainText("Inkoper Twee (demo)");
  await inkoper.getByTestId("zegel-start").fill(SEAL);
  await inkoper.getByTestId("opening-starten").click();
  await expect(inkoper.getByTestId("opening-wacht")).toContainText("Inkoper Een (demo)");
  await expect(inkoper.getByTestId("opening-bevestigen")).toHaveCount(0);

  const second = await as(browser, "inkoper2");
  await go(second, "/aanbesteding/1/opening");
  await second.getByTestId("zegel-bevestigen").fill(SEAL);
  await second.getByTestId("opening-bevestigen").click();
  const pv = second.getByTestId("proces-verbaal");
  await expect(pv).toContainText("Jeugdteam Duinstreek B.V.");
  await expect(pv).toContainText("Jeugdhulp Kennemerland B.V. (demo)");
  await expect(pv).toContainText("Inkoper Een (demo)");
  await expect(pv).toContainText("Inkoper Twee (demo)");
  // The quality plan's hash and size would link it to its pseudonym: sealed
  // in the proces-verbaal until the consensus is locked.
  await expect(pv).not.toContainText(planHash);
  await expect(pv).toContainText("verzegeld tot de consensus");
  const record = await pdfOf(second, "pv-pdf");
  expect(record.text).toContain("Proces-verbaal van opening");
  expect(record.text).toContain("Jeugdteam Duinstreek B.V.");
  expect(record.text).toContain("Opening bevestigd door Inkoper Twee (demo)");
  expect(record.text, "sealed in the PDF too").not.toContain(planHash);
  await go(second, "/aanbesteding/1");
  await expect(second.getByTestId("procedure-fase")).toContainText("Inschrijvingen geopend");
});
