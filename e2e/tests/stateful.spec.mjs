// Stateful rules in the page: rules of every type (written for the tests in Elastic's format) are
// listed with their types, the Stratus detonations they aim at are dropped, and the second stage's
// alerts show once every file is settled, each with what it decided in the detail.
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, dropNamed, scanDone } from './helpers.mjs';

const FIXTURES = join(import.meta.dirname, '..', '..', 'tests', 'fixtures');
const RULES = join(FIXTURES, 'stage', 'rules');
const STRATUS = join(FIXTURES, 'stratus');
const DROPPED = [
  'aws.credential-access.secretsmanager-retrieve-secrets.json',
  'aws.exfiltration.ec2-share-ebs-snapshot.json',
  'aws.persistence.iam-create-user-login-profile.json',
  'aws.privilege-escalation.iam-update-user-login-profile.json',
  'aws.defense-evasion.cloudtrail-stop.json',
];

test('threshold, new terms and EQL rules alert across the dropped files and explain themselves', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByRole('tab', { name: /Rules/ }).click();
  const rules = page.getByTestId('rules');
  const files = readdirSync(RULES).map((name) => ({ name, mimeType: 'text/plain', buffer: readFileSync(join(RULES, name)) }));
  await rules.getByTestId('rule-input').setInputFiles(files);
  for (const type of ['threshold', 'new_terms', 'eql']) {
    await expect(rules.getByTestId('rule-type').filter({ hasText: type }).first()).toBeVisible();
  }
  // The test folder's sequence rule is listed as one (the built-in pack has a sequence rule too).
  await expect(rules.locator('tr[data-rule-id="c3a1f2e0-5b7d-4e0a-9a51-7d2f0b1e6a04"]').getByTestId('rule-type')).toContainText('sequence');
  await page.screenshot({ path: join(SHOTS, '20-rules-types.png') });

  await page.getByRole('tab', { name: /Alerts/ }).click();
  await dropNamed(page, DROPPED.map((name) => ({ name, path: join(STRATUS, name) })));
  await scanDone(page);
  const table = page.getByTestId('alerts');
  for (const name of ['Many Secrets Read', 'Snapshot Permissions', 'Console Password of an IAM User Changed', 'Then Its Removal Tried']) {
    await expect(table.locator('tr[data-event-id]').filter({ hasText: name })).toHaveCount(1);
  }
  await page.screenshot({ path: join(SHOTS, '21-stateful-alerts.png') });

  await table.locator('tr[data-event-id]').filter({ hasText: 'Many Secrets Read' }).click();
  const detail = page.getByTestId('detail');
  await expect(detail.getByTestId('threshold-count')).toHaveText('20');
  await expect(detail.getByTestId('members').locator('tbody tr')).toHaveCount(20);
  await page.screenshot({ path: join(SHOTS, '22-threshold-detail.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, '22b-threshold-detail-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await table.locator('tr[data-event-id]').filter({ hasText: 'Snapshot Permissions' }).click();
  await expect(detail.getByTestId('new-term')).toHaveText('arn:aws:iam::756680937392:user/christophe');
  await table.locator('tr[data-event-id]').filter({ hasText: 'Then Its Removal Tried' }).click();
  await expect(detail.getByTestId('members').locator('tbody tr')).toHaveCount(2);
  await page.screenshot({ path: join(SHOTS, '23-sequence-detail.png') });

  // Files added later: the second stage decides again over all of them, without repeating alerts.
  await dropNamed(page, [{ name: 'again.json', path: join(STRATUS, DROPPED[0]) }]);
  await scanDone(page);
  await expect(table.locator('tr[data-event-id]').filter({ hasText: 'Many Secrets Read' })).toHaveCount(1);

  // The schedule switch is a rules change: the page offers a rescan, which caps each run.
  await page.getByRole('tab', { name: /Rules/ }).click();
  await rules.getByTestId('emulate-schedule').check();
  await rules.getByTestId('rescan').click();
  await scanDone(page);
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await expect(table.locator('tr[data-event-id]').filter({ hasText: 'Many Secrets Read' })).toHaveCount(1);
  expect(errors).toEqual([]);
});
