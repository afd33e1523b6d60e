// Several scanning workers: a drop spread over them gives exactly the alerts and duplicates of a
// scan of one file after another (duplicate eventIDs across files, whichever worker read them),
// and a rules change in the middle of a scan followed by another drop leaves no file unsettled.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIXED, scanDone } from './helpers.mjs';

/** An alerting record (DeleteBucketCors, from the mixed fixtures) with its eventID replaced. */
const TEMPLATE = JSON.parse(readFileSync(join(MIXED, 'exports', 'array.json'), 'utf8')).find((r) => r.eventName === 'DeleteBucketCors');
const record = (eventID, eventName = TEMPLATE.eventName) => ({ ...TEMPLATE, eventID, eventName });

/** File `k` of a drop: 1,500 ordinary records, its own alerting record, and one shared by all. */
function delivery(k) {
  const records = [];
  for (let i = 0; i < 1500; i++) records.push(record(`quiet-${k}-${i}`, 'GetBucketAcl'));
  records.push(record(`alert-${k}`), record('alert-shared'));
  return { name: `delivery-${String(k).padStart(2, '0')}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ Records: records })) };
}

const NOTHING_RULE = `[rule]
name = "Matches nothing"
rule_id = "5b1e6c3e-0000-4000-8000-000000000001"
description = "A rule added in the middle of a scan."
risk_score = 21
severity = "low"
type = "query"
language = "kuery"
query = "event.action:NothingLikeThis"
`;

test('workers settle in file order; a rules change mid-scan strands no file', async ({ page }) => {
  await page.goto('/');
  const files = Array.from({ length: 24 }, (_, k) => delivery(k));
  await page.getByTestId('file-input').setInputFiles(files);
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'scanning');

  // Rules change while the workers are busy, then one more file is dropped.
  await page.getByRole('tab', { name: /Rules/ }).click();
  await page.getByTestId('rule-input').setInputFiles([{ name: 'nothing.toml', mimeType: 'text/plain', buffer: Buffer.from(NOTHING_RULE) }]);
  await page.getByTestId('file-input').setInputFiles([delivery(24)]);
  await scanDone(page);

  await page.getByRole('tab', { name: /Files/ }).click();
  const rows = page.locator('li.file');
  await expect(rows).toHaveCount(25);
  const statuses = await rows.evaluateAll((els) => els.map((e) => [e.dataset.status, Number(e.dataset.records), Number(e.dataset.alerts)]));
  expect(statuses.every(([status, records]) => status === 'scanned' && records === 1502)).toBe(true);
  // One alert per file for its own record, and the shared record's alert once, in the first file.
  const alerts = statuses.map(([, , a]) => a);
  expect(alerts[0]).toBe(2);
  expect(alerts.slice(1).every((a) => a === 1)).toBe(true);
  await expect(page.getByRole('tab', { name: /Alerts/ })).toContainText('26');
  await expect(rows.filter({ hasText: 'already seen in another file' })).toHaveCount(24);
});
