import { defineConfig } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Playwright starts the built binary itself on a fresh data directory and stops
// it when the run ends. Browsers come from Debian (/usr/bin/chromium): a
// download of Playwright's own browser is not possible here.
//
// Two servers: the demo (seeded tender, demo accounts, no second factor
// required) for most specs, and a fresh deployment (no demo accounts, the
// first beheerder's password from configuration, a second factor required)
// for the journey of a real tender. The data directories are made once, in
// the main process, and passed to the workers through the environment, so a
// spec can read the fresh server's outbox with the `dialoog outbox` command.
const port = Number(process.env.DIALOOG_E2E_PORT ?? 3917);
const freshPort = port + 1;
const root = path.resolve(__dirname, "..");
process.env.DIALOOG_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "dialoog-e2e-"));
process.env.DIALOOG_E2E_FRESH_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "dialoog-e2e-fresh-"));
process.env.DIALOOG_E2E_FRESH_URL = `http://127.0.0.1:${freshPort}`;
process.env.DIALOOG_E2E_BINARY = path.join(root, "target/debug/dialoog");
process.env.DIALOOG_E2E_FRESH_ADMIN_PASSWORD ??= "eerste-beheerder-2026";
const dataDir = process.env.DIALOOG_E2E_DATA_DIR;
const freshDataDir = process.env.DIALOOG_E2E_FRESH_DATA_DIR;

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
  webServer: [
    {
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
        DIALOOG_LOG: "warn",
      },
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `${path.join(root, "target/debug/dialoog")} serve`,
      url: `http://127.0.0.1:${freshPort}/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        DIALOOG_ADDR: `127.0.0.1:${freshPort}`,
        DIALOOG_DATA_DIR: freshDataDir,
        DIALOOG_SITE_ROOT: path.join(root, "target/site"),
        DATABASE_URL: "",
        DIALOOG_ADMIN_PASSWORD: process.env.DIALOOG_E2E_FRESH_ADMIN_PASSWORD,
        DIALOOG_PUBLIC_URL: `http://127.0.0.1:${freshPort}`,
        DIALOOG_LOGINS_PER_MINUTE: "1000",
        DIALOOG_LOG: "warn",
      },
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
