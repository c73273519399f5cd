import { dossierOf, eformsOf, ocdsTags, pdfOf, xlsxOf, test, expect, go, as, setClock, toPhase, PASSWORD } from "./helpers";
import type { Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** WCAG 2.1 AA violations on the page as it is now. */
async function axe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`);
}

// After the opening (2-procedure.spec.ts left two bids, opened): three
// evaluators score anonymously, the chair reaches consensus, the inkoper sends
// the award decision, the bidders read their letters, two gemeenten sign, one
// withdraws before signing, the contract shows its parties and dates, and the
// inkoper exercises the first option. The steps depend on each other.

const CRITERIA = ["K1", "K2", "K3", "K4", "K5"];

/** Fills and saves one cell of a scoring matrix (`prefix` "" for a sheet, "c" for the consensus). */
async function scoreCell(page: Page, prefix: string, plan: string, crit: string, level: number, motivation: string) {
  const tag = `${plan}-${crit}`;
  await page.getByTestId(`${prefix}niveau-${tag}`).selectOption(String(level));
  await page.getByTestId(`${prefix}motivering-${tag}`).fill(motivation);
  await page.getByTestId(`${prefix}opslaan-${tag}`).click();
  await expect(page.getByTestId(`${prefix}status-${tag}`)).toHaveText("opgeslagen");
}

test("three evaluators score, the chair reaches consensus, the award is sent and signed, and the contract runs", async ({ browser }) => {
  test.setTimeout(300_000);
  const inkoper = await as(browser, "inkoper1");

  // The inkoper appoints the panel; each evaluator signs the declaration.
  await go(inkoper, "/aanbesteding/1/beoordeling");
  for (const [user, chair] of [["beoordelaar1", true], ["beoordelaar2", false], ["beoordelaar3", false]] as const) {
    const details = inkoper.locator("details", { has: inkoper.locator("summary", { hasText: "Beoordelaar aanwijzen" }) });
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
      await details.locator("summary").click();
    }
    await inkoper.getByLabel("Gebruikersnaam", { exact: true }).fill(user);
    // Ticked for the first only: the form starts empty after each appointment.
    if (chair) await inkoper.getByLabel("Voorzitter van het panel").check();
    await inkoper.getByTestId("aanwijzen").click();
    await expect(inkoper.getByTestId(`panel-${user}`)).toBeVisible();
  }
  await expect(inkoper.getByTestId("panel-beoordelaar1")).toContainText("(voorzitter)");
  await expect(inkoper.getByTestId("panel-beoordelaar3")).not.toContainText("(voorzitter)");
  const evaluators: Page[] = [];
  for (const user of ["beoordelaar1", "beoordelaar2", "beoordelaar3"]) {
    const page = await as(browser, user);
    await go(page, "/aanbesteding/1/beoordeling");
    await page.getByLabel("Mijn belangen en relaties (of 'geen')").fill("geen");
    await page.getByRole("checkbox", { name: /naar waarheid/ }).check();
    await page.getByTestId("verklaring-ondertekenen").click();
    await expect(page.getByTestId("wacht-op-toetsing")).toBeVisible();
    evaluators.push(page);
  }

  // A second inkoper (not the one who appointed them) checks the declarations against the real bidders.
  await go(inkoper, "/aanbesteding/1/beoordeling");
  await expect(inkoper.getByTestId("panel-beoordelaar1").getByTestId("andere-inkoper-toetst")).toBeVisible();
  const inkoper2 = await as(browser, "inkoper2");
  await go(inkoper2, "/aanbesteding/1/beoordeling");
  await expect(inkoper2.getByTestId("inschrijvers")).toContainText("Jeugdteam Duinstreek B.V.");
  for (const user of ["beoordelaar1", "beoordelaar2", "beoordelaar3"]) {
    await inkoper2.getByTestId(`toetsen-${user}`).click();
    await expect(inkoper2.getByTestId(`panel-${user}`).getByTestId("toetsing")).toHaveText("geen belangenconflict");
  }
  await toPhase(inkoper, "beoordeling", "Beoordeling");

  // Each evaluator scores the pseudonymised plans alone, then locks the sheet.
  const levels = [[8, 8, 6, 8, 6], [6, 6, 6, 4, 6]];
  let plans: string[] = [];
  for (const [i, page] of evaluators.entries()) {
    await go(page, "/aanbesteding/1/beoordeling");
    const headers = await page.getByTestId("mijn-scoreformulier").getByTestId("plan-kolom").allTextContents();
    plans = headers.map((h) => h.replace("Inschrijving ", "").trim());
    expect(plans).toHaveLength(2);
    await expect(page.locator("main")).not.toContainText("Duinstreek");
    await expect(page.locator("main")).not.toContainText("Jeugdhulp Kennemerland");
    for (const [p, plan] of plans.entries()) {
      for (const [c, crit] of CRITERIA.entries()) {
        // The third evaluator is stricter on the first plan's K1: a two-step difference to discuss.
        const level = i === 2 && p === 0 && c === 0 ? 4 : levels[p][c];
        await scoreCell(page, "", plan, crit, level, `Beoordelaar ${i + 1}: niveau ${level} op ${crit}, zie de omschrijving.`);
      }
    }
    if (i === 0) {
      await expect(page.getByTestId(`totaal-${plans[0]}`)).toHaveText("74,00");
      expect(await axe(page), "the scoring matrix meets WCAG 2.1 AA").toEqual([]);
    }
    await page.getByTestId("vergrendelen").click();
    await expect(page.getByTestId("scoreformulier").first()).toContainText("vergrendeld");
  }

  // The chair opens the consensus, sees the disagreement first, records and locks it.
  const chair = evaluators[0];
  await go(chair, "/aanbesteding/1/beoordeling");
  await chair.getByTestId("consensus-openen").click();
  await expect(chair.getByTestId("agenda").locator("li").first()).toContainText(`Inschrijving ${plans[0]}, K1: 2 schaalstappen`);
  for (const [p, plan] of plans.entries()) {
    for (const [c, crit] of CRITERIA.entries()) {
      await scoreCell(chair, "c", plan, crit, levels[p][c], `Het panel: niveau ${levels[p][c]} past bij de omschrijving.`);
    }
  }
  await expect(chair.getByTestId(`consensus-totaal-${plans[0]}`)).toHaveText("74,00");
  expect(await axe(chair), "the consensus matrix meets WCAG 2.1 AA").toEqual([]);
  await expect(chair.getByTestId("afwijkingen")).toContainText("Beoordelaar 3 (demo)");
  await chair.getByTestId("consensus-vaststellen").click();
  await expect(chair.getByRole("status").filter({ hasText: "De consensus is vastgesteld." })).toBeVisible();
  await expect(chair.locator("main")).not.toContainText("Duinstreek");

  // The inkoper sees the ranking with the names, and prepares the award decision.
  await go(inkoper, "/aanbesteding/1/beoordeling");
  const first = inkoper.getByTestId("uitslag").locator("tbody tr").first();
  await expect(first).toContainText(`Inschrijving ${plans[0]}`);
  const winner = (await first.locator("td").nth(2).textContent())!.trim();
  expect(["Jeugdteam Duinstreek B.V.", "Jeugdhulp Kennemerland B.V. (demo)"]).toContain(winner);
  // The evaluation's documents of record: the report as PDF, the matrices and the bids list as spreadsheets.
  const report = await pdfOf(inkoper, "rapport-pdf");
  expect(report.text).toContain("Beoordelingsrapport en gunningsadvies");
  expect(report.text).toContain(winner);
  const bidsList = await xlsxOf(inkoper, "inschrijvingen-xlsx");
  const sheet = bidsList.sheets[0];
  expect(sheet.rows[0][sheet.header.indexOf("Inschrijver")][0]).toBe(winner);
  expect(sheet.rows[0][sheet.header.indexOf("Plaats")]).toEqual([1, "n", false]);
  expect(sheet.rows[0][sheet.header.indexOf("Ontvangen (Nederlandse tijd)")][1], "a date cell").toBe("d");
  const consensus = await xlsxOf(inkoper, "consensus-xlsx");
  expect(consensus.sheets[0].name).toBe("Consensus");
  expect(consensus.sheets[0].rows.length).toBe(plans.length * CRITERIA.length);
  const scores = await xlsxOf(inkoper, "scorematrix-xlsx");
  expect(scores.sheets[0].rows.length, "every individual score").toBeGreaterThanOrEqual(plans.length * CRITERIA.length);
  await toPhase(inkoper, "gunningsvoornemen", "Gunningsvoornemen");
  await setClock(inkoper, "2023-10-06T15:00:00");
  await go(inkoper, "/aanbesteding/1/gunning");
  await expect(inkoper.getByTestId("brief-onvolledig").first()).toContainText("relatieve voordelen");
  await expect(inkoper.getByTestId("verzenden")).toBeDisabled();
  expect(await axe(inkoper), "the award letters page meets WCAG 2.1 AA").toEqual([]);
  await inkoper.getByLabel(/Kenmerken en relatieve voordelen/).fill("Het winnende plan werkt met een **vaste coach per school**.");
  await inkoper.getByTestId("voordelen-opslaan").click();
  await expect(inkoper.getByTestId("brief-onvolledig")).toHaveCount(0);
  await inkoper.getByTestId("verzenden").click();
  await expect(inkoper.getByRole("status").filter({ hasText: "27-10-2023 00:00 (+02:00)" })).toBeVisible();
  await go(inkoper, "/aanbesteding/1/documenten");
  await expect(inkoper.getByTestId("standstill-einde-banner")).toHaveText("27-10-2023 00:00 (+02:00)");
  expect(await ocdsTags(inkoper), "open data: the award, valid OCDS").toEqual(["tender", "tenderAmendment", "award"]);

  // The bidders read their letters.
  for (const [user, password] of [["duinstreek", PASSWORD + "-duinstreek"], ["aanbieder1", undefined]] as const) {
    const bidder = await as(browser, user, password);
    await go(bidder, "/aanbesteding/1/gunning");
    const letter = bidder.getByTestId("brief");
    await expect(letter).toContainText(winner);
    await expect(letter).toContainText("vaste coach per school");
    await expect(letter).toContainText("26 oktober 2023");
    await expect(bidder.getByTestId("standstill-einde")).toHaveText("27-10-2023 00:00 (+02:00)");
    const own = await pdfOf(bidder, "brief-pdf");
    expect(own.text).toContain("Gunningsbeslissing");
    expect(own.text).toContain(winner);
    expect(own.text).toContain("vaste coach per school");
    expect(own.text.match(/Brief aan /g), "a bidder's own letter only").toHaveLength(1);
  }
  await go(inkoper, "/aanbesteding/1/gunning");
  const all = await pdfOf(inkoper, "brieven-pdf");
  expect(all.text.match(/Brief aan /g)!.length, "every letter, each on its own pages").toBeGreaterThan(1);
  expect(all.pages).toBeGreaterThan(1);

  // After the standstill: two gemeenten sign, one withdraws before signing.
  await setClock(inkoper, "2023-10-27T00:00:00");
  await toPhase(inkoper, "gegund", "Gegund");
  for (const slug of ["castricum", "heiloo"]) {
    const rep = await as(browser, `gemeente-${slug}`);
    await go(rep, "/aanbesteding/1/gemeenten");
    await rep.getByTestId(`ondertekenen-${slug}`).click();
    await expect(rep.getByTestId(`gemeente-${slug}`).getByTestId("deelname")).toHaveText("ondertekend");
  }
  const bergen = await as(browser, "gemeente-bergen");
  await go(bergen, "/aanbesteding/1/gemeenten");
  await bergen.locator("summary", { hasText: "Bergen (NH) trekt zich terug" }).click();
  await bergen.getByLabel("Reden").fill("De raad kiest voor een eigen schoolmaatschappelijk werk.");
  await bergen.getByLabel("Kenmerk van het besluit").fill("Raad 2023/88");
  await bergen.getByTestId("terugtrekken-bergen").click();
  await expect(bergen.getByTestId("gemeente-bergen").getByTestId("deelname")).toHaveText("teruggetrokken");
  // The inkoper records the signatures of the other two on their behalf.
  await go(inkoper, "/aanbesteding/1/gemeenten");
  for (const slug of ["dijk-en-waard", "uitgeest"]) {
    await inkoper.getByTestId(`ondertekenen-${slug}`).click();
    await expect(inkoper.getByTestId(`gemeente-${slug}`).getByTestId("deelname")).toHaveText("ondertekend");
  }

  // The contract: its parties and dates; the inkoper exercises the first option.
  await go(inkoper, "/aanbesteding/1/contract");
  await expect(inkoper.getByTestId("opdrachtnemer")).toHaveText(winner);
  await expect(inkoper.getByTestId("opdrachtgevers")).toHaveText("Castricum, Dijk en Waard, Heiloo, Uitgeest");
  await expect(inkoper.getByTestId("teruggetrokken")).toHaveText("Alkmaar, Bergen (NH)");
  await expect(inkoper.getByTestId("ingangsdatum")).toHaveText("1 januari 2024");
  await expect(inkoper.getByTestId("huidige-einddatum")).toHaveText("31 december 2030");
  await expect(inkoper.getByTestId("volgende-beslisdatum")).toContainText("30 juni 2030");
  await expect(inkoper.getByTestId("maximale-einddatum")).toHaveText("31 december 2033");
  expect(await axe(inkoper), "the contract page meets WCAG 2.1 AA").toEqual([]);
  expect(await ocdsTags(inkoper), "open data: the contract, valid OCDS").toEqual(["tender", "tenderAmendment", "award", "contract"]);
  await go(inkoper, "/aanbesteding/1/contract");
  await inkoper.getByLabel("Kenmerk van het besluit").fill("B&W 2030/17");
  await inkoper.getByTestId("optie-besluiten").click();
  await expect(inkoper.getByRole("status").filter({ hasText: "31 december 2031" })).toBeVisible();
  await expect(inkoper.getByTestId("optie-1").getByTestId("optie-status")).toHaveText("uitgeoefend");
  await expect(inkoper.getByTestId("huidige-einddatum")).toHaveText("31 december 2031");
  await expect(inkoper.getByTestId("volgende-beslisdatum")).toContainText("30 juni 2031");
  await expect(inkoper.locator("svg.timeline rect.bar--uitgeoefend")).toHaveCount(1);
  await expect(inkoper.getByTestId("markering-einde").locator("title")).toHaveText("Huidige einddatum: 31 december 2031");
  await expect(inkoper.getByTestId("markering-beslisdatum").locator("title")).toHaveText("Volgende beslisdatum: 30 juni 2031");
  expect(await ocdsTags(inkoper), "open data: the option, valid OCDS").toEqual(["tender", "tenderAmendment", "award", "contract", "contractAmendment"]);
  await go(inkoper, "/aanbesteding/1/contract");
  const summary = await pdfOf(inkoper, "contract-pdf");
  expect(summary.text).toContain("Contractoverzicht");
  expect(summary.text).toContain(winner);
  expect(summary.text).toContain("B&W 2030/17");
  expect(summary.text).toContain("31 december 2033");

  // The notices for TenderNed, valid eForms, and the whole dossier.
  await go(inkoper, "/aanbesteding/1/aankondigingen");
  expect(await axe(inkoper), "the notices page meets WCAG 2.1 AA").toEqual([]);
  expect(await eformsOf(inkoper, "xml-aankondiging-cn-social")).toContain("cn-social");
  expect(await eformsOf(inkoper, "xml-aankondiging-can-social")).toContain(winner.replace("&", "&amp;"));
  expect(await eformsOf(inkoper, "xml-aankondiging-can-modif-1")).toContain("mod-revcl");
  await go(inkoper, "/aanbesteding/1");
  const trail = await xlsxOf(inkoper, "audittrail-xlsx");
  expect(trail.sheets[0].name).toBe("Deel 1 van 1");
  expect(trail.sheets[0].rows.length, "the tender's events").toBeGreaterThan(50);
  expect(trail.sheets[0].rows[0][trail.sheets[0].header.indexOf("Tijdstip (Nederlandse tijd)")][1], "a date cell").toBe("d");
  const files = await dossierOf(inkoper);
  for (const f of ["stukken/proces-verbaal-", "stukken/beoordelingsrapport-", "stukken/gunningsbeslissing-", "stukken/contractoverzicht-",
    "spreadsheets/inschrijvingen-", "open-data/ocds-release-package.json", "aankondigingen/aankondiging-can-modif-1.xml", "documenten/", "LEESMIJ.txt"]) {
    expect(files.some((n) => n.startsWith(f)), `${f} in the dossier`).toBe(true);
  }
});
