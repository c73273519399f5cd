import { test, expect, go, type Browser, type Page } from "./helpers";
import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";

// A real tender on a fresh deployment, on the real clock: no demo accounts,
// the first beheerder's password from configuration, and a second factor
// required on the buyer's side. The beheerder invites the team (each link
// read from the outbox), everyone chooses a password and sets up the second
// factor, an inkoper creates and sets up "Jeugd- en Schoolteam PO regio
// Alkmaar" and publishes it with two more inkopers, and a second tender is
// made as a copy of the seeded one.

const BASE = process.env.DIALOOG_E2E_FRESH_URL!;
const ADMIN_PASSWORD = process.env.DIALOOG_E2E_FRESH_ADMIN_PASSWORD!;
test.use({ baseURL: BASE });

/** An authenticator app: RFC 6238 (HMAC-SHA1, 6 digits, 30 s) from the base32 secret the page shows. */
class Authenticator {
  private last = -1;
  constructor(private secret: string) {}

  private static base32(s: string): Buffer {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bits = "";
    for (const c of s.replace(/[\s=]+/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
    const bytes = [];
    for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
    return Buffer.from(bytes);
  }

  private codeAt(step: number): string {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(step));
    const h = crypto.createHmac("sha1", Authenticator.base32(this.secret)).update(counter).digest();
    const o = h[h.length - 1] & 0x0f;
    const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
    return String(n % 1_000_000).padStart(6, "0");
  }

  /** A code the server has not accepted yet (it allows one step of drift and every step once). */
  async next(): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / 30_000);
      const step = this.last < now ? now : this.last === now ? now + 1 : -1;
      if (step >= 0) {
        this.last = step;
        return this.codeAt(step);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The e-mails the fresh server wrote, as `dialoog outbox` prints them. */
function outbox(): string {
  return execFileSync(process.env.DIALOOG_E2E_BINARY!, ["outbox"], {
    env: { ...process.env, DIALOOG_DATA_DIR: process.env.DIALOOG_E2E_FRESH_DATA_DIR!, DATABASE_URL: "", DIALOOG_LOG: "error" },
    encoding: "utf8",
  });
}

/** The invitation link of the last invitation e-mailed to `to` (other e-mails may follow it). */
function invitationLink(to: string): string {
  const mails = outbox()
    .split("--- ")
    .filter((m) => (m.split("\n")[0] ?? "").includes(`aan: ${to} `))
    .filter((m) => m.includes("/uitnodiging?t="));
  expect(mails.length, `an invitation e-mailed to ${to}`).toBeGreaterThan(0);
  const m = /\/uitnodiging\?t=(\S+)/.exec(mails[mails.length - 1]);
  expect(m, `an invitation link to ${to}`).not.toBeNull();
  return `/uitnodiging?t=${m![1]}`;
}

/** Sets up the second factor on /tweede-factor; returns the account's authenticator. */
async function enrol(page: Page): Promise<Authenticator> {
  await expect(page).toHaveURL(/\/tweede-factor$/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByTestId("qr-code").locator("svg")).toBeVisible();
  const app = new Authenticator((await page.getByTestId("totp-sleutel").textContent())!.trim());
  await page.getByLabel("Code uit de app").fill(await app.next());
  await page.getByTestId("tweede-stap-bevestigen").click();
  await expect(page.getByTestId("herstelcodes").locator("li")).toHaveCount(10);
  return app;
}

type Person = { username: string; name: string; email: string; creates?: boolean };

const TEAM: Person[] = [
  { username: "a.devries", name: "Anna de Vries", email: "a.devries@regio-alkmaar.example", creates: true },
  { username: "b.jansen", name: "Bram Jansen", email: "b.jansen@regio-alkmaar.example" },
  { username: "c.dekker", name: "Cor Dekker", email: "c.dekker@regio-alkmaar.example" },
  { username: "h.bakker", name: "Hanna Bakker", email: "h.bakker@heiloo.example" },
  { username: "e.smit", name: "Eva Smit", email: "e.smit@regio-alkmaar.example" },
  { username: "k.visser", name: "Karim Visser", email: "k.visser@regio-alkmaar.example" },
  { username: "l.mulder", name: "Lotte Mulder", email: "l.mulder@regio-alkmaar.example" },
  { username: "w.bos", name: "Wim Bos", email: "w.bos@regio-alkmaar.example" },
];

/** The invitee opens the link, chooses a password and sets up the second factor; the page stays logged in. */
async function accept(browser: Browser, p: Person): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: BASE })).newPage();
  await go(page, invitationLink(p.email));
  await expect(page.getByTestId("uitnodiging-gebruikersnaam")).toHaveText(p.username);
  await page.getByLabel("Wachtwoord", { exact: true }).fill(`een eigen zin van ${p.username}`);
  await page.getByLabel("Herhaal het wachtwoord").fill(`een eigen zin van ${p.username}`);
  await page.getByTestId("uitnodiging-accepteren").click();
  await enrol(page);
  return page;
}

const BAD_CSV = "naam;brin;soort;gemeente;pilot\nDe Rekenboom;21AB;Basisschool;Heiloo;ja\nHet Kompas;2XCD;Basisschool;Heiloo;nee\n";
const GOOD_CSV =
  "naam;brin;soort;gemeente;pilot\nDe Rekenboom;21AB;Basisschool;Heiloo;ja\nHet Kompas;21CD;Basisschool;Heiloo;nee\n" +
  "De Duinpieper;22EF;Speciaal basisonderwijs;Uitgeest;nee\n";

/** Local date-time for a datetime-local field, `days` from now. */
function local(days: number, hour: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(hour)}:00`;
}

test("a fresh deployment runs a real tender: accounts by invitation, a second factor, set-up, team, publication and a copy", async ({ browser, page }) => {
  test.setTimeout(240_000);

  // The first beheerder logs in with the configured password and must set up the second factor first.
  await page.goto("/inloggen");
  await page.getByLabel("Gebruikersnaam").fill("beheerder");
  await page.getByLabel("Wachtwoord").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await enrol(page);

  // The beheerder creates the accounts; each gets an invitation by e-mail.
  await go(page, "/beheer");
  for (const p of TEAM) {
    await page.getByLabel("Naam", { exact: true }).fill(p.name);
    await page.getByLabel("E-mailadres (hierheen gaat de uitnodiging)").fill(p.email);
    await page.getByLabel("Gebruikersnaam", { exact: true }).first().fill(p.username);
    await page.getByLabel("Mag aanbestedingen aanmaken").first().setChecked(!!p.creates);
    await page.getByTestId("account-aanmaken").click();
    await expect(page.getByTestId("gelukt")).toContainText(`Account '${p.username}' is aangemaakt`);
  }
  await expect(page.getByTestId("aantal-accounts")).toContainText("9 accounts");
  // Nobody's password ever shows: the page and the outbox carry only links.
  expect(await page.content()).not.toContain("een eigen zin");
  expect(outbox()).toContain("/uitnodiging?t=");

  // A wrong or used link gets a clear page.
  const stranger = await (await browser.newContext({ baseURL: BASE })).newPage();
  await go(stranger, "/uitnodiging?t=bestaat-niet");
  await expect(stranger.getByTestId("uitnodiging-ongeldig")).toContainText("Deze uitnodigingslink kennen we niet");

  // Everyone accepts and sets up the second factor.
  const pages: Record<string, Page> = {};
  for (const p of TEAM) pages[p.username] = await accept(browser, p);
  await go(stranger, invitationLink(TEAM[0].email));
  await expect(stranger.getByTestId("uitnodiging-ongeldig")).toBeVisible();

  // Anna creates the tender (she may create tenders) and becomes its first inkoper.
  const anna = pages["a.devries"];
  await go(anna, "/nieuwe-aanbesteding");
  await anna.getByLabel("Kenmerk").fill("JST-PO-2027");
  await anna.getByLabel("Titel").fill("Jeugd- en Schoolteam PO regio Alkmaar");
  await anna.getByLabel("Omschrijving").fill("Een Jeugd- en Schoolteam voor het primair onderwijs in Heiloo en Uitgeest.");
  await anna.getByLabel("CPV-code").fill("85312400-3");
  await anna.getByLabel("Geraamde waarde (EUR)").fill("3.500.000");
  await anna.getByLabel("Geplande publicatie").fill(local(0, 0));
  await anna.getByTestId("aanbesteding-aanmaken").click();
  await expect(anna).toHaveURL(/\/aanbesteding\/\d+\/opzet$/);
  const setup = new URL(anna.url()).pathname;
  const tender = setup.replace(/\/opzet$/, "");
  await go(anna, setup);
  await expect(anna.getByTestId("drempel")).toContainText("bereikt de drempel");
  await expect(anna.getByTestId("nog-te-doen")).toContainText("vier ogen");

  // Two gemeenten, then the schools: a bad file first (nothing imported), then the good one.
  for (const g of ["Heiloo", "Uitgeest"]) {
    await anna.getByLabel("Gemeente toevoegen").fill(g);
    await anna.getByTestId("gemeente-toevoegen").click();
    await expect(anna.getByTestId("opzet-gemeenten")).toContainText(g);
  }
  const csv = (body: string) => ({ name: "scholen.csv", mimeType: "text/csv", buffer: Buffer.from(body) });
  await anna.getByLabel(/Scholen inlezen uit een CSV-bestand/).setInputFiles(csv(BAD_CSV));
  await anna.getByTestId("scholen-uploaden").click();
  await expect(anna.getByTestId("scholen-status")).toContainText("Regel 3: een BRIN-code");
  await expect(anna.getByTestId("aantal-scholen")).toContainText("0 scholen");
  await anna.getByLabel(/Scholen inlezen uit een CSV-bestand/).setInputFiles(csv(GOOD_CSV));
  await anna.getByTestId("scholen-uploaden").click();
  await expect(anna.getByTestId("aantal-scholen")).toContainText("3 scholen in de scope, waarvan 1 pilotscholen");
  await anna.locator("html[data-hydrated]").waitFor({ state: "attached" });

  // The contract term: four years from 1 August, two options of a year.
  await anna.getByLabel("Ingangsdatum").fill("2027-08-01");
  await anna.getByLabel("Einde van de initiële looptijd (laatste dag)").fill("2031-07-31");
  await anna.getByLabel("Opties tot verlenging, in hele jaren").fill("1,1");
  await anna.getByTestId("looptijd-opslaan").click();
  await expect(anna.getByTestId("looptijd")).toContainText("met 2 opties tot verlenging; uiterlijk tot en met 31 juli 2033");

  // A document, the award method and the calendar.
  await go(anna, `${tender}/documenten`);
  const editor = anna.locator("details", { hasText: "Nieuw document schrijven" });
  await editor.locator("summary").click();
  await editor.getByLabel("Titel").fill("Aanbestedingsleidraad");
  await editor.getByLabel("Tekst (Markdown)").fill("# Aanbestedingsleidraad\n\nHet Jeugd- en Schoolteam PO.");
  await anna.getByRole("button", { name: "Document opslaan" }).click();
  await expect(anna.getByTestId("documenten")).toContainText("Aanbestedingsleidraad");

  await go(anna, `${tender}/gunningsmethode`);
  await anna.getByLabel("Criteria").fill("K1 | Visie op het team in de school | 60 | 0-10\nK2 | Samenwerking met het wijkteam | 40 | 0-10");
  await anna.getByLabel("Prijsmethode").selectOption("kwaliteit");
  await anna.getByLabel("Bij gelijke stand, in volgorde").fill("kwaliteit, loting");
  await anna.getByRole("button", { name: "Methode opslaan" }).click();
  await expect(anna.getByTestId("criteria")).toContainText("Samenwerking met het wijkteam");

  await go(anna, tender);
  await anna.getByLabel("Publicatie", { exact: true }).fill(local(-1, 9));
  await anna.getByLabel("Sluitingstermijn", { exact: true }).fill(local(40, 12));
  await anna.getByRole("button", { name: "Planning opslaan" }).click();
  await expect(anna.getByRole("status").filter({ hasText: "De planning is opgeslagen." })).toBeVisible();

  // Publication waits for more inkopers.
  await go(anna, tender);
  await anna.getByTestId("naar-gepubliceerd").click();
  await expect(anna.getByRole("alert").filter({ hasText: "vier ogen" })).toBeVisible();

  // The team: two more inkopers (three hold the key, any two open it), the representative of Heiloo
  // and a waarnemer, from their accounts.
  await go(anna, `${tender}/team`);
  for (const [rol, username, gemeente] of [
    ["inkoper", "b.jansen", ""],
    ["inkoper", "c.dekker", ""],
    ["gemeente", "h.bakker", "heiloo"],
    ["waarnemer", "w.bos", ""],
  ]) {
    await anna.getByLabel("Rol", { exact: true }).selectOption(rol);
    await anna.getByLabel("Gemeente (alleen voor een vertegenwoordiger)").selectOption(gemeente);
    await anna.getByLabel("Gebruikersnaam", { exact: true }).fill(username);
    await anna.getByTestId("team-toevoegen").click();
    await expect(anna.getByTestId(`team-${username}-${rol}`)).toBeVisible();
  }
  await expect(anna.getByTestId("aantal-inkopers")).toContainText("3 inkopers");

  // The panel: three evaluators from their accounts, Eva chairs.
  await go(anna, `${tender}/beoordeling`);
  for (const [username, chair] of [["e.smit", true], ["k.visser", false], ["l.mulder", false]] as const) {
    await anna.locator("summary", { hasText: "Beoordelaar aanwijzen" }).click();
    await anna.getByLabel("Gebruikersnaam", { exact: true }).fill(username);
    if (chair) await anna.getByLabel("Voorzitter van het panel").check();
    await anna.getByTestId("aanwijzen").click();
    await expect(anna.getByTestId("gelukt")).toContainText("De beoordelaar is aangewezen.");
    await go(anna, `${tender}/beoordeling`);
  }
  await expect(anna.getByTestId("panel").locator("tbody tr")).toHaveCount(3);

  // The set-up pages pass an automated WCAG 2.1 AA check.
  for (const url of ["/nieuwe-aanbesteding", setup, `${tender}/team`]) {
    await go(anna, url);
    const scan = await new AxeBuilder({ page: anna }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(scan.violations.map((v) => `${url} ${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
  }

  // The three inkopers choose a sealing passphrase: together they hold the key the bids are sealed to.
  for (const [who, passphrase] of [
    ["a.devries", "anna verzegelt de inschrijvingen"],
    ["b.jansen", "bram verzegelt de inschrijvingen"],
    ["c.dekker", "cor verzegelt de inschrijvingen"],
  ]) {
    const p = pages[who];
    await go(p, "/zegelwachtwoord");
    await p.getByTestId("zegel-nieuw").fill(passphrase);
    await p.getByTestId("zegel-herhaal").fill(passphrase);
    await p.getByTestId("zegel-opslaan").click();
    await expect(p.getByTestId("gelukt")).toContainText("opgeslagen");
    await expect(p.getByTestId("zegel-ingesteld")).toBeVisible();
    const scan = await new AxeBuilder({ page: p }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(scan.violations.map((v) => `/zegelwachtwoord ${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
  }

  // Published, on the real clock.
  await go(anna, tender);
  await anna.getByTestId("naar-gepubliceerd").click();
  await expect(anna.getByTestId("procedure-fase")).toContainText("Gepubliceerd");
  await expect(anna.getByTestId("oefen-banner")).toHaveCount(0);

  // Everyone in the team sees it on their own overview.
  for (const username of ["b.jansen", "h.bakker", "w.bos", "e.smit"]) {
    await go(pages[username], "/");
    await expect(pages[username].getByRole("link", { name: "Jeugd- en Schoolteam PO regio Alkmaar" })).toBeVisible();
  }

  // A copy of the seeded tender: the beheerder makes Anna an inkoper of it (without reading it), she copies it.
  await go(page, "/beheer/aanbestedingen");
  const seeded = page.getByTestId("aanbesteding-JST-VO-2023");
  await seeded.getByLabel("Gebruikersnaam").fill("a.devries");
  await seeded.getByRole("button", { name: "Toevoegen" }).click();
  await expect(page.getByTestId("aanbesteding-JST-VO-2023")).toContainText("Anna de Vries");
  await expect(page.getByTestId("aanbesteding-JST-PO-2027")).toContainText("Gepubliceerd");
  await go(anna, "/nieuwe-aanbesteding");
  await anna.getByLabel("Sjabloon").selectOption({ label: "JST-VO-2023 · Jeugd- en Schoolteam VO regio Alkmaar (oefenomgeving)" });
  await anna.getByLabel("Kenmerk van de kopie").fill("JST-VO-2027");
  await anna.getByLabel("Titel van de kopie").fill("Jeugd- en Schoolteam VO regio Alkmaar 2027");
  await anna.getByLabel("Geplande publicatie van de kopie").fill("2026-05-13T09:00");
  await anna.getByTestId("kopie-aanmaken").click();
  await expect(anna).toHaveURL(/\/aanbesteding\/\d+\/opzet$/);
  await go(anna, new URL(anna.url()).pathname);
  await expect(anna.getByTestId("opzet-gemeenten")).toContainText("Dijk en Waard");
  await expect(anna.getByTestId("looptijd")).toContainText("1 januari 2027");

  await go(anna, "/");
  await expect(anna.getByRole("link", { name: "Jeugd- en Schoolteam VO regio Alkmaar 2027" })).toBeVisible();
});
