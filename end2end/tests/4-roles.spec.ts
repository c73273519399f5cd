import { test, expect, login } from "./helpers";
import AxeBuilder from "@axe-core/playwright";


const ROLES = [
  { user: "inkoper1", label: "Inkoper / contractmanager", audit: true },
  { user: "beoordelaar1", label: "Beoordelaar", audit: false },
  { user: "aanbieder1", label: "Aanbieder", audit: false },
  { user: "gemeente-alkmaar", label: "Vertegenwoordiger gemeente", audit: false },
  { user: "waarnemer1", label: "Waarnemer", audit: true },
];

for (const r of ROLES) {
  test(`${r.user} logs in, opens the tender overview and the audit trail`, async ({ page }) => {
    await login(page, r.user);
    await expect(page.getByTestId("rol").first()).toContainText(r.label);
    await expect(page.locator(".demo-banner")).toContainText("dialoog-demo");

    await page.getByRole("link", { name: "Jeugd- en Schoolteam VO regio Alkmaar" }).click();
    await expect(page).toHaveURL(/\/aanbesteding\/1$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Jeugd- en Schoolteam VO regio Alkmaar");
    await expect(page.getByTestId("gemeenten")).toContainText("Dijk en Waard");
    await expect(page.getByTestId("scholen-totaal")).toHaveText("29");
    await expect(page.getByTestId("publicatie")).toHaveText("17-05-2023 09:00 (+02:00)");
    await expect(page.getByTestId("maximale-einddatum")).toHaveText("31 december 2033");
    await expect(page.getByTestId("oefen-banner")).toBeVisible();
    // The tender's navigation marks the page the reader is on, and only that one.
    const nav = page.getByRole("navigation", { name: "Aanbesteding", exact: true });
    await expect(nav.getByRole("link", { name: "Overzicht" })).toHaveAttribute("aria-current", "page");
    await expect(nav.locator("[aria-current]")).toHaveCount(1);
    if (r.user === "inkoper1") {
      await nav.getByRole("link", { name: "Documenten" }).click();
      await expect(page).toHaveURL(/\/aanbesteding\/1\/documenten$/);
      await expect(nav.getByRole("link", { name: "Documenten" })).toHaveAttribute("aria-current", "page");
      await expect(nav.locator("[aria-current]")).toHaveCount(1);
    }

    await page.goto("/audittrail");
    if (r.audit) {
      await expect(page.getByTestId("verificatie")).toContainText("De audittrail is intact.");
      await expect(page.getByTestId("kophash")).toHaveText(/^[0-9a-f]{64}$/);
      await expect(page.getByTestId("audit-events")).toContainText("auth.login");
    } else {
      await expect(page.getByRole("alert")).toContainText("geen toegang");
    }
  });
}

test("the audit trail filters by action and an inkoper writes a checkpoint", async ({ page }) => {
  await login(page, "inkoper1");
  await page.goto("/audittrail");
  await page.getByLabel("Filter op actie").selectOption("tender.seeded");
  await page.getByRole("button", { name: "Filteren" }).click();
  await expect(page).toHaveURL(/actie=tender.seeded/);
  await expect(page.getByTestId("audit-events").locator("caption")).toContainText("1 events");
  await page.goto("/audittrail");
  await page.getByRole("button", { name: "Controlepunt nu vastleggen" }).click();
  await page.goto("/audittrail?actie=audit.checkpoint");
  await expect(page.getByTestId("audit-events")).toContainText("audit.checkpoint");
});

test("a wrong password shows a Dutch message", async ({ page }) => {
  await page.goto("/inloggen");
  await page.getByLabel("Gebruikersnaam").fill("aanbieder3");
  await page.getByLabel("Wachtwoord").fill("verkeerd-wachtwoord");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page.getByTestId("login-fout")).toContainText("Gebruikersnaam of wachtwoord is onjuist.");
});

test("logging out returns to the login page", async ({ page }) => {
  await login(page, "inkoper2");
  await page.getByRole("button", { name: "Uitloggen" }).click();
  await expect(page).toHaveURL(/\/inloggen/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/inloggen/);
});

test("login and overview pages pass an automated WCAG 2.1 AA check", async ({ page }) => {
  await page.goto("/inloggen");
  const loginScan = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(loginScan.violations.map((v) => v.id)).toEqual([]);
  // The accessibility statement, from the footer, for everyone.
  await page.getByTestId("toegankelijkheid-link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Toegankelijkheidsverklaring");
  await expect(page.getByTestId("contact")).toBeVisible();
  const statementScan = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(statementScan.violations.map((v) => v.id)).toEqual([]);
  await login(page, "gemeente-bergen");
  await page.goto("/aanbesteding/1");
  const scan = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(scan.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
});

test("the page hydrates: client-side navigation keeps the session and shows data", async ({ page }) => {
  await login(page, "inkoper1");
  // Wait for the wasm bundle, then navigate with the router (no full page load).
  await page.waitForFunction(() => (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
    .some((r) => r.name.endsWith("/pkg/dialoog.wasm")));
  await page.waitForLoadState("networkidle");
  await page.getByRole("link", { name: "Jeugd- en Schoolteam VO regio Alkmaar" }).click();
  await expect(page.getByTestId("scholen-totaal")).toHaveText("29");
  await expect(page).toHaveTitle("Jeugd- en Schoolteam VO regio Alkmaar · Dialoog");
});
