import { test, expect, login } from "./helpers";


test.use({ javaScriptEnabled: false });

test("without JavaScript a user logs in and sees the tender overview", async ({ page }) => {
  await login(page, "waarnemer1");
  await page.getByRole("link", { name: "Jeugd- en Schoolteam VO regio Alkmaar" }).click();
  await expect(page.getByTestId("fase")).toHaveText("Concept");
  await expect(page.getByTestId("gemeenten")).toContainText("Uitgeest");
  await expect(page.getByTestId("looptijd")).toContainText("31 december 2030");
});

test("without JavaScript a failed login shows its message", async ({ page }) => {
  await page.goto("/inloggen");
  await page.getByLabel("Gebruikersnaam").fill("inkoper1");
  await page.getByLabel("Wachtwoord").fill("fout");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page.getByTestId("login-fout")).toContainText("onjuist");
});
