import { test, expect, login, go } from "./helpers";

// Before publication: the inkoper sets the share rule and reads the award
// method with a simulation; a gemeente's representative withdraws its own
// gemeente and the overview recalculates. (Later specs publish the tender;
// this one leaves five gemeenten taking part.)

test("the inkoper sets the shares and simulates the award method; Alkmaar withdraws and the overview follows", async ({ page, browser }) => {
  await login(page, "inkoper1");
  await go(page, "/aanbesteding/1/gemeenten");
  await page.locator("summary", { hasText: "Verdeling per gemeente instellen" }).click();
  await page.getByLabel("Budget (EUR, optioneel)").fill("1.000.000");
  for (const [name, n] of [["Alkmaar", "12"], ["Bergen (NH)", "3"], ["Castricum", "4"], ["Dijk en Waard", "6"], ["Heiloo", "3"], ["Uitgeest", "1"]]) {
    await page.getByLabel(`Scholen in ${name}`).fill(n);
  }
  await page.getByRole("button", { name: "Verdeling opslaan" }).click();
  await expect(page.getByRole("status").filter({ hasText: "De verdeling is opgeslagen." })).toBeVisible();
  await expect(page.getByTestId("scholen-in-scope")).toHaveText("29");
  await expect(page.getByTestId("gemeente-alkmaar")).toContainText("41,38%");

  await go(page, "/aanbesteding/1/gunningsmethode");
  await expect(page.getByTestId("criteria")).toContainText("Visie en aanpak op en met de school");
  await expect(page.getByTestId("prijsmethode")).toContainText("Vaste prijs, gunning op kwaliteit");
  await page.getByLabel("Verzonnen inschrijvingen").fill("Plan A | 8 8 6 6 6 |\nPlan B | 6 6 8 8 8 |");
  await page.getByRole("button", { name: "Rangorde berekenen" }).click();
  await expect(page.getByTestId("simulatie").locator("tbody tr").first()).toContainText("Plan A");

  const rep = await (await browser.newContext()).newPage();
  await login(rep, "gemeente-alkmaar");
  await go(rep, "/aanbesteding/1/gemeenten");
  await expect(rep.getByTestId("terugtrekken-bergen")).toHaveCount(0);
  await rep.locator("summary", { hasText: "Alkmaar trekt zich terug" }).click();
  await rep.getByLabel("Reden").fill("De gemeente koopt de inzet zelf in via het wijkteam.");
  await rep.getByLabel("Kenmerk van het besluit").fill("BW 2023/114");
  await rep.getByTestId("terugtrekken-alkmaar").click();
  await expect(rep.getByRole("status").filter({ hasText: "Scope, verdeling en contractpartijen zijn herberekend." })).toBeVisible();
  await expect(rep.getByTestId("gemeente-alkmaar").getByTestId("deelname")).toHaveText("teruggetrokken");
  await expect(rep.getByTestId("scholen-in-scope")).toHaveText("17");
  await expect(rep.getByTestId("contractpartijen")).not.toContainText("Alkmaar");
  await expect(rep.getByTestId("gemeente-castricum")).toContainText("23,53%");

  // The tender overview shows the same per gemeente.
  await go(rep, "/aanbesteding/1");
  await expect(rep.getByTestId("gemeente-alkmaar").getByTestId("deelname")).toHaveText("teruggetrokken");
  await expect(rep.getByTestId("gemeente-castricum")).toContainText("23,53%");
  await expect(rep.getByTestId("scholen-in-scope")).toHaveText("17");
  await expect(rep.getByTestId("contractpartijen")).not.toContainText("Alkmaar");
});
