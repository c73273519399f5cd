import { defineConfig } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Playwright starts the built binary itself on a fresh data directory and stops
// it when the run ends. Browsers come from Debian (/usr/bin/chromium): a
// download of Playwright's own browser is not possible here.
const port = Number(process.env.DIALOOG_E2E_PORT ?? 3917);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dialoog-e2e-"));
const root = path.resolve(__dirname, "..");

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `${path.join(root, "target/debug/dialoog")} serve --demo`,
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      DIALOOG_ADDR: `127.0.0.1:${port}`,
      DIALOOG_DATA_DIR: dataDir,
      DIALOOG_SITE_ROOT: path.join(root, "target/site"),
      DATABASE_URL: "",
      DIALOOG_LOGINS_PER_MINUTE: "1000",
    },
    stdout: "ignore",
    stderr: "pipe",
  },
});
