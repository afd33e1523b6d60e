// Sigma rules in the page: a Sigma file added in the rules tab loads its CloudTrail rules (typed
// sigma) and lists the rule for other logs as not applicable; dropped Stratus detonations raise the
// Sigma rule's alerts, with its level and ATT&CK tags in the detail.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, dropNamed, scanDone } from './helpers.mjs';

const FIXTURES = join(import.meta.dirname, '..', '..', 'tests', 'fixtures');
const RULES = join(FIXTURES, 'sigma', 'rules');
const STRATUS = join(FIXTURES, 'stratus');

test('a Sigma file loads its CloudTrail rules, lists the others, and alerts', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByRole('tab', { name: /Rules/ }).click();
  const name = 'trail-and-other-logs.yml';
  await page.getByTestId('rule-input').setInputFiles([{ name, mimeType: 'text/yaml', buffer: readFileSync(join(RULES, name)) }]);
  const rules = page.getByTestId('rules');
  const row = rules.locator('tr[data-rule-id="6d1c2f3a-4b5e-4c7d-9e8f-0a1b2c3d4e5f"]');
  await expect(row.getByTestId('rule-type')).toHaveText('sigma');
  await expect(rules.locator('tr[data-rule-id="3c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f"]')).toContainText('informational');
  await expect(rules.getByTestId('rule-not-applicable')).toContainText('Interactive Logon on a Windows Host');
  await expect(rules.getByTestId('rule-problems')).toHaveCount(0);
  // What was not loaded reads a line a kind and reason, each opening to the rules it holds.
  const esql = (id) => JSON.stringify({ rule_id: id, name: `An ES|QL rule ${id}`, type: 'esql', language: 'esql', query: 'from x', severity: 'low', risk_score: 1 });
  await page.getByTestId('rule-input').setInputFiles([{ name: 'esql.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${esql('e1')}\n${esql('e2')}\n`) }]);
  const groups = rules.getByTestId('rule-problems').locator('details');
  await expect(groups).toHaveCount(1);
  await expect(groups.first().locator('summary')).toContainText(/^2 not supported yet: /);
  await expect(groups.first().locator('li').first()).toBeHidden();
  await groups.first().locator('summary').click();
  await expect(groups.first().locator('li')).toHaveText([/esql\.ndjson.*An ES\|QL rule e1/, /esql\.ndjson.*An ES\|QL rule e2/]);
  // Search and filters list fewer rules; the bulk switch turns off exactly those listed.
  const total = await rules.locator('tbody tr[data-rule-id]').count();
  await page.getByTestId('rule-filter-type').selectOption('sigma');
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(2);
  await page.getByTestId('rule-search').fill('trails listed');
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(1);
  await expect(page.getByTestId('rules-listed')).toHaveText(`1 of ${total} rules`);
  await page.getByTestId('rules-off').click();
  await page.getByTestId('rules-clear-filter').click();
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(total);
  await expect(rules.locator('tbody tr.disabled')).toHaveCount(1);
  await expect(rules.locator('tr[data-rule-id="3c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f"]')).toHaveClass(/disabled/);
  await page.getByTestId('rule-filter-on').selectOption('off');
  await page.getByTestId('rules-on').click();
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(0);
  await page.getByTestId('rule-filter-on').selectOption('');
  await expect(rules.locator('tbody tr.disabled')).toHaveCount(0);
  await page.getByTestId('rule-filter-source').selectOption('trail-and-other-logs.yml');
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(2);
  await page.getByTestId('rule-filters').screenshot({ path: join(SHOTS, '40-rules-filters.png') });
  await page.getByTestId('rules-clear-filter').click();
  // Loaded or not: the rules not loaded alone, searched by the same words; the format by file.
  await page.getByTestId('rule-filter-loaded').selectOption('no');
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(0);
  await expect(groups).toHaveCount(1);
  await expect(rules.getByTestId('rule-not-applicable')).toBeVisible();
  await page.getByTestId('rule-search').fill('e2');
  await expect(groups.first().locator('summary')).toContainText(/^1 not supported yet: /);
  await expect(rules.getByTestId('rule-not-applicable')).toHaveCount(0);
  await page.getByTestId('rule-search').fill('');
  await page.getByTestId('rule-filter-format').selectOption('sigma');
  await expect(rules.getByTestId('rule-problems')).toHaveCount(0);
  await expect(rules.getByTestId('rule-not-applicable')).toContainText('Interactive Logon on a Windows Host');
  await page.getByTestId('rule-filter-loaded').selectOption('yes');
  await expect(rules.getByTestId('rule-not-applicable')).toHaveCount(0);
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(2);
  await page.getByTestId('rules-clear-filter').click();
  await expect(groups).toHaveCount(1);
  await groups.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, '39-rules-not-loaded.png') });

  await page.getByRole('tab', { name: /Alerts/ }).click();
  await dropNamed(page, ['aws.defense-evasion.cloudtrail-stop.json', 'aws.defense-evasion.cloudtrail-delete.json'].map((n) => ({ name: n, path: join(STRATUS, n) })));
  await scanDone(page);
  const alerts = page.getByTestId('alerts').locator('tr[data-event-id]').filter({ hasText: 'Trail Logging Stopped or Trail Deleted' });
  await expect(alerts).toHaveCount(2);
  await alerts.first().click();
  const detail = page.getByTestId('detail');
  await expect(detail).toContainText('medium');
  await expect(detail).toContainText('T1562');
  await expect(detail).toContainText('A trail retired on purpose');
  await page.screenshot({ path: join(SHOTS, '33-sigma-alert.png') });
  expect(errors).toEqual([]);
});

test('Sigma correlations load by name, silence their rules, and alert on a burst and a sequence', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByRole('tab', { name: /Rules/ }).click();
  const name = 'ssm-correlations.yml';
  await page.getByTestId('rule-input').setInputFiles([{ name, mimeType: 'text/yaml', buffer: readFileSync(join(RULES, name)) }]);
  const rules = page.getByTestId('rules');
  const burst = rules.locator('tr[data-rule-id="4d7b9f1e-3a5c-4e8b-b2d6-7f9a1c3e5b80"]');
  await expect(burst.getByTestId('rule-type')).toContainText('correlation');
  await expect(burst.getByTestId('rule-type')).toContainText('event_count >= 10 within 5m by userIdentity.arn');
  await expect(rules.getByTestId('rule-problems')).toHaveCount(0);
  // The correlated detections are off: they alert only through the correlations.
  await expect(rules.locator('tr[data-rule-id="2f6e1a0c-7d3b-4e59-9a14-5c8b0d2e7f31"]')).toHaveClass(/disabled/);
  await expect(rules.locator('tr[data-rule-id="8a4c2e6f-1b3d-4f57-8e9a-0c2d4f6a8b1c"]')).toHaveClass(/disabled/);
  // Filters by type and tactic, and a sort by severity (down: high first).
  await page.getByTestId('rule-filter-type').selectOption('correlation');
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(2);
  await page.getByTestId('rule-filter-tactic').selectOption('Execution');
  await expect(rules.locator('tbody tr[data-rule-id]')).toHaveCount(1);
  await page.getByTestId('rule-filter-tactic').selectOption('');
  await page.getByTestId('rules-sort-severity').locator('button').click();
  await page.getByTestId('rules-sort-severity').locator('button').click();
  await expect(page.getByTestId('rules-sort-severity')).toHaveAttribute('aria-sort', 'descending');
  await expect(rules.locator('tbody tr[data-rule-id]').first()).toHaveAttribute('data-rule-id', '9c1e3a5b-7d9f-4b2c-8e4a-6f8b0d2c4e61');
  await page.screenshot({ path: join(SHOTS, '43-rules-correlations.png') });
  await page.getByTestId('rules-clear-filter').click();

  await page.getByRole('tab', { name: /Alerts/ }).click();
  const stratus = 'aws.execution.ssm-send-command.json';
  await dropNamed(page, [{ name: stratus, path: join(STRATUS, stratus) }]);
  await scanDone(page);
  const table = page.getByTestId('alerts');
  const listings = JSON.parse(readFileSync(join(STRATUS, stratus), 'utf8')).filter((r) => r.eventName === 'DescribeInstanceInformation');
  await expect(table.locator('tr[data-event-id]').filter({ hasText: 'Burst of SSM Instance Listings' })).toHaveCount(1);
  await expect(table.locator('tr[data-event-id]').filter({ hasText: 'SSM Instances Listed Then a Command Sent' })).toHaveCount(1);
  await expect(table.locator('tr[data-event-id]').filter({ hasText: 'SSM Managed Instances Listed' })).toHaveCount(0);
  await expect(table.locator('tr[data-event-id]').filter({ hasText: 'SSM Command Sent' })).toHaveCount(0);
  await table.locator('tr[data-event-id]').filter({ hasText: 'Burst of SSM Instance Listings' }).click();
  const detail = page.getByTestId('detail');
  await expect(detail).toContainText(String(listings.length));
  await expect(detail).toContainText(listings[0].userIdentity.arn);
  await page.screenshot({ path: join(SHOTS, '44-sigma-correlation-alert.png') });
  expect(errors).toEqual([]);
});
