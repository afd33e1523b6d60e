import { test, expect, chromium } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const CORPUS = process.env.TRAILHOUND_BENCH_CORPUS;
test('trace', async ({ page, browser }) => {
  const logs = join(CORPUS, 'logs');
  const files = readdirSync(logs).sort().map((f) => join(logs, f));
  await page.goto('/');
  await expect(page.getByTestId('scan-status')).toBeAttached();
  await page.waitForTimeout(500);
  await browser.startTracing(page, { path: '/tmp/trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'] });
  await page.getByTestId('file-input').setInputFiles(files);
  await page.waitForFunction(() => document.querySelector('[data-testid="scan-status"]')?.dataset.state === 'done', null, { timeout: 600000, polling: 500 });
  await browser.stopTracing();
});
