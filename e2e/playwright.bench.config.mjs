// The in-browser benchmark (bench/, run by `scripts/bench --browser`): the release build in
// Debian's Chromium, one long test, never part of `scripts/test`.
import base from './playwright.config.mjs';

export default {
  ...base,
  testDir: './bench',
  testMatch: '**/*.bench.mjs',
  timeout: 20 * 60_000,
  expect: { timeout: 15 * 60_000 },
  outputDir: '../test-output/playwright-bench',
};
