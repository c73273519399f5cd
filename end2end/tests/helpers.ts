import { test as base, expect, type Browser, type Page } from "@playwright/test";

export const PASSWORD = "dialoog-demo";
/** The demo inkopers' sealing passphrase (their shares of the seeded tender's key). */
export const SEAL = "dialoog-demo-zegel";

/** A test that fails on any script error in the page, hydration errors included. */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        // A refused request (403, 400) is logged by the browser as well; that is
        // the server answering as it should, not a script error.
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
          errors.push(`console: ${m.text()}`);
        }
      });
      await use(errors);
      expect(errors, "no script errors (hydration included)").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function login(page: Page, username: string) {
  await page.goto("/inloggen");
  await page.getByLabel("Gebruikersnaam").fill(username);
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Mijn aanbestedingen" })).toBeVisible();
}

/** Opens a page and waits until it is hydrated (its forms run as server actions). */
export async function go(page: Page, url: string) {
  const seen: string[] = [];
  const log = (m: { type(): string; text(): string }) => seen.push(`${m.type()}: ${m.text()}`);
  const err = (e: Error) => seen.push(`pageerror: ${e.message}`);
  page.on("console", log);
  page.on("pageerror", err);
  try {
    await page.goto(url);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 20_000 });
  } catch (e) {
    throw new Error(`${url} did not hydrate: ${seen.join(" | ").slice(0, 2000)} (${e})`);
  } finally {
    page.off("console", log);
    page.off("pageerror", err);
  }
}

/** A page in a browser context of its own, logged in as `user` (with its demo password, or `password`). */
export async function as(browser: Browser, user?: string, password?: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  if (user && password) {
    await page.goto("/inloggen");
    await page.getByLabel("Gebruikersnaam").fill(user);
    await page.getByLabel("Wachtwoord").fill(password);
    await page.getByRole("button", { name: "Inloggen" }).click();
    await expect(page).toHaveURL(/\/$/);
  } else if (user) {
    await login(page, user);
  }
  return page;
}

/** Sets the seeded tender's simulated clock (Amsterdam time). */
export async function setClock(page: Page, time: string) {
  await go(page, "/aanbesteding/1");
  await page.getByLabel("Zet de klok op").fill(time);
  await page.getByTestId("klok-zetten").click();
  await expect(page.getByRole("status").filter({ hasText: "De gesimuleerde klok is verzet." })).toBeVisible();
  // The banner above every page of the tender shows the new time at once.
  const [date, clock] = time.split("T");
  const [y, m, d] = date.split("-");
  await expect(page.getByTestId("oefen-tijd")).toContainText(`${d}-${m}-${y} ${clock.slice(0, 5)}`);
}

/** Moves the seeded tender to the next phase from its overview. */
export async function toPhase(page: Page, phase: string, label: string) {
  await go(page, "/aanbesteding/1");
  await page.getByTestId(`naar-${phase}`).click();
  await expect(page.getByTestId("procedure-fase")).toContainText(label);
}

/**
 * The tender's open data as anyone reads them: follows the link on the tender
 * overview, downloads the OCDS release and record packages, has libcoveocds
 * validate both (offline, against the standard in server/tests/support) and
 * returns the release package's tags.
 */
export async function ocdsTags(page: Page, tender = 1): Promise<string[]> {
  const { execFileSync } = await import("node:child_process");
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  await go(page, `/aanbesteding/${tender}`);
  await expect(page.getByTestId("open-data")).toBeVisible();
  const support = path.resolve(__dirname, "../../server/tests/support");
  let tags: string[] = [];
  for (const link of ["publicaties", "samenvatting"]) {
    const href = await page.getByTestId("open-data").getByRole("link", { name: link }).getAttribute("href");
    const anonymous = await page.context().browser()!.newContext({ baseURL: new URL(page.url()).origin });
    const r = await anonymous.request.get(href!);
    expect(r.status(), `${href}`).toBe(200);
    const body = await r.text();
    await anonymous.close();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ocds-")), "package.json");
    fs.writeFileSync(file, body);
    try {
      execFileSync("python3", [path.join(support, "ocds_check.py"), file, path.join(support, "ocds-standard-1__1__5.zip")], { encoding: "utf8" });
    } catch (e) {
      throw new Error(`libcoveocds refuses ${href}: ${(e as { stdout?: string }).stdout}\n${body}`);
    }
    if (link === "publicaties") {
      tags = JSON.parse(body).releases.map((rel: { tag: string[] }) => rel.tag[0]);
    }
  }
  return tags;
}

/**
 * Downloads the PDF behind the link `testId` on the current page, as the
 * browser saves it, and checks it with real tools (server/tests/support/
 * pdf_check.py: pdftotext, pdfinfo and page-validation for PDF/UA-1 and
 * PDF/A-2a). Returns its page count and its text, runs of spaces folded.
 */
export async function pdfOf(page: Page, testId: string): Promise<{ pages: number; text: string; name: string }> {
  const { execFileSync } = await import("node:child_process");
  const path = await import("node:path");
  const { file, name } = await downloadOf(page, testId);
  const support = path.resolve(__dirname, "../../server/tests/support");
  let out: string;
  try {
    out = execFileSync("python3", [path.join(support, "pdf_check.py"), file], { encoding: "utf8" });
  } catch (e) {
    throw new Error(`${name} is not PDF/UA-1 and PDF/A-2a: ${(e as { stdout?: string }).stdout}`);
  }
  const report = JSON.parse(out) as { pages: number; text: string };
  return { pages: report.pages, text: report.text.replace(/[ \t]+/g, " "), name };
}

/** A file behind the link `testId` on the current page, as the browser saves it. */
async function downloadOf(page: Page, testId: string): Promise<{ file: string; name: string }> {
  const download = page.waitForEvent("download");
  await page.getByTestId(testId).click();
  const d = await download;
  return { file: (await d.path())!, name: d.suggestedFilename() };
}

/** A sheet of a spreadsheet as openpyxl reads it (server/tests/support/xlsx_check.py). */
export type Sheet = { name: string; freeze: string; filter: string; header: string[]; rows: [unknown, string, boolean][][] };

/**
 * Downloads the spreadsheet behind the link `testId` and reads it back with
 * openpyxl; every sheet has a frozen header row and a filter.
 */
export async function xlsxOf(page: Page, testId: string): Promise<{ name: string; sheets: Sheet[] }> {
  const { execFileSync } = await import("node:child_process");
  const path = await import("node:path");
  const { file, name } = await downloadOf(page, testId);
  expect(name).toMatch(/\.xlsx$/);
  const support = path.resolve(__dirname, "../../server/tests/support");
  const x = JSON.parse(execFileSync("python3", [path.join(support, "xlsx_check.py"), file], { encoding: "utf8" })) as { sheets: Sheet[] };
  for (const s of x.sheets) {
    expect(s.freeze, `${name}: the header row is frozen`).toBe("A2");
    expect(s.filter, `${name}: a filter over the columns`).toMatch(/^A1:/);
  }
  return { name, sheets: x.sheets };
}

/**
 * Downloads the eForms notice behind the link `testId` and validates it with
 * xmllint against the eForms SDK's XSD (server/tests/support/eforms).
 */
export async function eformsOf(page: Page, testId: string): Promise<string> {
  const { execFileSync } = await import("node:child_process");
  const fs = await import("node:fs");
  const path = await import("node:path");
  const { file, name } = await downloadOf(page, testId);
  const xml = fs.readFileSync(file, "utf8");
  const xsd = xml.includes("<ContractNotice") ? "UBL-ContractNotice-2.3.xsd" : "UBL-ContractAwardNotice-2.3.xsd";
  const schema = path.resolve(__dirname, "../../server/tests/support/eforms/schemas/maindoc", xsd);
  try {
    execFileSync("xmllint", ["--noout", "--schema", schema, file], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    throw new Error(`${name} is not valid against ${xsd}: ${(e as { stderr?: string }).stderr}`);
  }
  return xml;
}

/**
 * Downloads the dossier from the tender overview, unpacks it with unzip and
 * checks it from its contents only: `sha256sum -c SHA256SUMS` and
 * `dialoog audit verify` against the checkpoint and key inside. Returns the
 * names of its files.
 */
export async function dossierOf(page: Page, tender = 1): Promise<string[]> {
  const { execFileSync } = await import("node:child_process");
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  await go(page, `/aanbesteding/${tender}`);
  const { file, name } = await downloadOf(page, "dossier");
  expect(name).toMatch(/^dossier-.*\.zip$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dossier-"));
  execFileSync("unzip", ["-q", file, "-d", dir]);
  execFileSync("sha256sum", ["-c", "--strict", "--quiet", "SHA256SUMS"], { cwd: dir });
  const key = fs.readFileSync(path.join(dir, "audittrail/checkpoint-signing.pub"), "utf8").trim();
  const out = execFileSync(process.env.DIALOOG_E2E_BINARY!, ["audit", "verify", "audittrail/audittrail.jsonl", "--checkpoint", "audittrail/checkpoint", "--key", key], {
    cwd: dir,
    encoding: "utf8",
  });
  expect(out, "the dossier's audit trail verifies from its contents").toContain("INTACT");
  return fs
    .readFileSync(path.join(dir, "SHA256SUMS"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split("  ")[1]);
}
