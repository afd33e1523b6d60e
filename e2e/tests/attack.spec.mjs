// The ATT&CK tab: every Stratus Red Team detonation dropped at once, the built-in rules' coverage
// shown as tactics × techniques with the alerts of each, and a technique's click filtering the
// alerts table to that technique's rules.
import { test, expect } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, dropNamed, rowIds, scanDone } from './helpers.mjs';

const STRATUS = join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'stratus');

test('the ATT&CK view counts each technique\'s alerts and a click shows them', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  const names = readdirSync(STRATUS).filter((n) => n.endsWith('.json'));
  await dropNamed(page, names.map((name) => ({ name, path: join(STRATUS, name) })));
  await scanDone(page);
  const total = (await rowIds(page)).length;
  expect(total).toBeGreaterThanOrEqual(names.length);

  await page.getByRole('tab', { name: /ATT&CK/ }).click();
  const view = page.getByTestId('attack');
  await expect(view.locator('.attack-tactic')).toHaveCount(14);
  const trails = view.locator('.attack-tactic[data-tactic="TA0005"] .attack-cell[data-technique="T1562"]');
  await expect(trails).toContainText('Impair Defenses');
  await expect(trails).toContainText('CloudTrail');
  const counted = Number((await trails.getByTestId('technique-alerts').textContent()).split(' ')[0]);
  expect(counted).toBeGreaterThan(0);
  await page.screenshot({ path: join(SHOTS, '24-attack-matrix.png') });
  await page.screenshot({ path: join(SHOTS, '24c-attack-matrix-whole.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, '24b-attack-matrix-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  await trails.click();
  await expect(page.getByTestId('technique-filter')).toContainText('T1562');
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(counted);
  await page.screenshot({ path: join(SHOTS, '25-attack-filtered.png') });
  await page.getByTestId('technique-filter').getByRole('button').click();
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(total);
  expect(errors).toEqual([]);
});
