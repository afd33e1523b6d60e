// End-to-end tests of the release build (../dist, made by `trunk build --release`) in Debian's
// Chromium. Never downloads a browser: executablePath points at /usr/bin/chromium.
import { defineConfig } from '@playwright/test';

const PORT = 4173;
// The folder to serve (TRAILHOUND_DIST to test another build).
const DIST = process.env.TRAILHOUND_DIST || '../dist';

export default defineConfig({
  testDir: './tests',
  outputDir: '../test-output/playwright',
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    acceptDownloads: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `node serve.mjs ${DIST} ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 20_000,
  },
});
