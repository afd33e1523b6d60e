// The app end to end, on the release build: sample, a mixed drop plus a folder, statuses, the
// detail panel, filters, an exception, the CSV export, the themes, and no request off the origin.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIXED, SHOTS, dropFiles, rowIds, scanDone, watchRequests } from './helpers.mjs';

const ORIGIN = 'http://127.0.0.1:4173/';
// The built-in sample's alerts: the seed rule's nine and three of the built-in pack (logging
// stopped, an access key for a named user, a bucket policy granting access outside the account).
const SEED_ALERTS = 9;
const SAMPLE_ALERTS = 12;

/** The seed rule's alerts in tests/fixtures/mixed (see tests/cli_scan.rs). */
const EXPECTED = [
  'a0000000-0000-4000-8000-00000000000a', // S3 delivery, gzip (in the folder)
  'a0000000-0000-4000-8000-00000000000b', // S3 delivery, plain
  'a0000000-0000-4000-8000-00000000000c', // JSON array
  'a0000000-0000-4000-8000-00000000000d', // single record
  'a0000000-0000-4000-8000-00000000000e', // NDJSON
  'a0000000-0000-4000-8000-00000000000f', // NDJSON, gzip
  'a0000000-0000-4000-8000-000000000010', // lookup-events
  'a0000000-0000-4000-8000-000000000011', // ECS export
  'a0000000-0000-4000-8000-000000000013', // console CSV
];

const DROPPED = [
  'exports/array.json',
  'exports/records.jsonl.gz',
  'exports/records.ndjson',
  'exports/single-record.json',
  'lookup-events.json',
  'elastic/ecs-export.ndjson',
  'console/event_history.csv',
  'plain/111122223333_CloudTrail_eu-west-1_20260302T0320Z_cGxhaW4.json',
  'broken/notes.json',
  'broken/truncated.json.gz',
];

test('the sample scans in the worker and fills the views', async ({ page, context }) => {
  const requests = watchRequests(context, ORIGIN);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A Content-Security-Policy violation is logged as a console error.
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('/');
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'idle');
  await page.screenshot({ path: join(SHOTS, '01-idle-light.png') });

  await page.getByTestId('sample').click();
  await scanDone(page);
  const ids = await rowIds(page);
  expect(ids.length).toBe(SAMPLE_ALERTS);
  await expect(page.locator('[data-testid="alerts"] tr[data-severity="low"]').first()).toBeVisible();
  await expect(page.getByTestId('overview').locator('rect.bar').first()).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '02-sample-light.png') });

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('[data-testid="alerts"] tr[data-event-id]').nth(3).click();
  await expect(page.getByTestId('guide')).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '03-sample-detail-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: join(SHOTS, '04-sample-detail-light.png') });

  await page.getByTestId('group-by').selectOption('actor');
  await expect(page.locator('[data-testid="alerts"] tr.group').first()).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '05-grouped-by-actor.png') });

  // Rules: the loaded rule with its metadata; a broken rule file is listed with why.
  await page.getByRole('tab', { name: /Rules/ }).click();
  const rules = page.getByTestId('rules');
  await expect(rules.locator('tr[data-rule-id="227dc608-e558-43d9-b521-150772250bae"]')).toContainText('AWS S3 Bucket Configuration Deletion');
  await rules.getByTestId('rule-input').setInputFiles({
    name: 'broken-rule.toml',
    mimeType: 'text/plain',
    buffer: Buffer.from('[rule]\nname = "Broken"\ntype = "query"\nrule_id = "b"\nquery = "event.action:(a or"\nseverity = "high"\nrisk_score = 73\n'),
  });
  await expect(rules.getByTestId('rule-problems')).toContainText('broken-rule.toml');
  // A copy of the built-in rule (Elastic's own folder holds one) takes its place: the panel says
  // which file's copy is used, and the rule is still one row.
  const seed = readFileSync(new URL('../../rules/defense_evasion_s3_bucket_configuration_deletion.toml', import.meta.url));
  await rules.getByTestId('rule-input').setInputFiles({ name: 'seed-copy.toml', mimeType: 'text/plain', buffer: seed });
  await expect(rules.getByTestId('rule-replaced')).toContainText('using seed-copy.toml (version 208)');
  const seedRow = rules.locator('tr[data-rule-id="227dc608-e558-43d9-b521-150772250bae"]');
  await expect(seedRow).toHaveCount(1);
  await expect(seedRow).toContainText('seed-copy.toml');
  await page.screenshot({ path: join(SHOTS, '09-rules.png') });
  // Switching the rule off and rescanning the same files gives no alerts; on again, they come back.
  await rules.locator('tr[data-rule-id="227dc608-e558-43d9-b521-150772250bae"] input[type="checkbox"]').uncheck();
  await rules.getByTestId('rescan').click();
  await scanDone(page);
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await expect(page.locator('[data-testid="alerts"] tr[data-event-id]')).toHaveCount(SAMPLE_ALERTS - SEED_ALERTS);
  await page.getByRole('tab', { name: /Rules/ }).click();
  await rules.locator('tr[data-rule-id="227dc608-e558-43d9-b521-150772250bae"] input[type="checkbox"]').check();
  await rules.getByTestId('rescan').click();
  await scanDone(page);
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(SAMPLE_ALERTS);

  expect(errors).toEqual([]);
  expect(requests.offOrigin()).toEqual([]);
});

test('a mixed drop and a folder: rows, file statuses, detail, filters, exception, CSV export', async ({ page, context }) => {
  const requests = watchRequests(context, ORIGIN);
  await page.goto('/');

  await dropFiles(page, DROPPED);
  await scanDone(page);
  // A folder through the folder picker: the gzip S3 delivery and a digest.
  await page.getByTestId('folder-input').setInputFiles(join(MIXED, 'AWSLogs'));
  await scanDone(page);
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(EXPECTED.length);
  expect((await rowIds(page)).sort()).toEqual([...EXPECTED].sort());

  // Files: every file with its status; one bad file never stops the others.
  await page.getByRole('tab', { name: /Files/ }).click();
  const files = page.getByTestId('files');
  await expect(files.locator('[data-file]')).toHaveCount(DROPPED.length + 2);
  await expect(files.locator('[data-file="truncated.json.gz"]')).toHaveAttribute('data-status', 'error');
  await expect(files.locator('[data-file="notes.json"]')).toHaveAttribute('data-status', 'error');
  await expect(files.locator('[data-file$="CloudTrail-Digest_eu-west-1_trail_eu-west-1_20260302T031500Z.json.gz"]')).toHaveAttribute('data-status', 'skipped');
  await expect(files.locator('[data-file$="Qm9vZ2xlYmFy.json.gz"]')).toHaveAttribute('data-status', 'scanned');
  await expect(files.locator('[data-file="array.json"]')).toHaveAttribute('data-status', 'scanned');
  await expect(files.locator('[data-file="array.json"]')).toContainText('3 records, 1 alert');
  // An error says where (the engine's location) and why.
  await expect(files.locator('[data-file="truncated.json.gz"] .file-summary')).toHaveText(/(line|byte) \d+.*: \S+/);
  await expect(files.locator('[data-file="notes.json"] .file-summary')).toHaveText(/(line|byte) \d+.*: \S+/);
  await page.screenshot({ path: join(SHOTS, '06-files.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, '06b-files-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // Detail: the guide rendered from the rule's Markdown note, MITRE links that open only on click.
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await page.locator('tr[data-event-id="a0000000-0000-4000-8000-00000000000c"]').click();
  const detail = page.getByTestId('detail');
  await expect(detail.getByTestId('guide').locator('h3', { hasText: 'Investigating AWS S3 Bucket Configuration Deletion' })).toBeVisible();
  await expect(detail.getByTestId('guide').locator('h3', { hasText: 'Possible investigation steps' })).toBeVisible();
  const mitre = detail.locator('a[href="https://attack.mitre.org/tactics/TA0005/"]');
  await expect(mitre).toHaveAttribute('target', '_blank');
  await expect(mitre).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(detail).toContainText('Max alerts a run');
  await expect(detail).toContainText('now-60m');
  await expect(detail.getByTestId('original-record')).toContainText('"eventName": "DeleteBucketCors"');
  await page.screenshot({ path: join(SHOTS, '07-detail.png') });
  await detail.getByTestId('guide').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, '07b-detail-guide.png') });

  // Filters: free text and a facet.
  await page.getByTestId('search').fill('a0000000-0000-4000-8000-000000000010');
  await expect.poll(() => rowIds(page)).toEqual(['a0000000-0000-4000-8000-000000000010']);
  await page.getByTestId('search').fill('');
  await page.getByTestId('filter-severity').selectOption('high');
  await expect(page.locator('[data-testid="alerts"] tr[data-event-id]')).toHaveCount(0);
  await page.getByTestId('filter-severity').selectOption('low');
  await expect(page.locator('[data-testid="alerts"] tr[data-event-id]')).toHaveCount(EXPECTED.length);

  // An exception: exclude the actor of the selected alert (ops-alice) for this rule.
  await page.locator('tr[data-event-id="a0000000-0000-4000-8000-00000000000c"]').click();
  await detail.locator('[data-except="actor-ARN"]').click();
  await expect.poll(() => rowIds(page).then((ids) => ids.includes('a0000000-0000-4000-8000-00000000000c'))).toBe(false);
  const remaining = (await rowIds(page)).length;
  expect(remaining).toBeLessThan(EXPECTED.length);
  await page.getByRole('tab', { name: /Exceptions/ }).click();
  await expect(page.getByTestId('exceptions').getByTestId('suppressed-count').first()).toHaveText(String(EXPECTED.length - remaining));
  await page.screenshot({ path: join(SHOTS, '08-exceptions.png') });

  // The exception is saved: it survives a reload.
  await page.reload();
  await page.getByRole('tab', { name: /Exceptions/ }).click();
  await expect(page.getByTestId('exceptions').locator('tr[data-exception]')).toHaveCount(1);
  await page.getByTestId('exceptions').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('exceptions').locator('tr[data-exception]')).toHaveCount(0);


  // CSV export of the filtered view.
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await dropFiles(page, ['exports/array.json', 'lookup-events.json']);
  await scanDone(page);
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(2);

  // An exception written as KQL (the page was reloaded: the files were dropped again).
  await page.locator('tr[data-event-id="a0000000-0000-4000-8000-000000000010"]').click();
  await detail.getByTestId('kql-exception').fill('event.action:DeleteBucketEncryption and source.ip:"198.51.100.23"');
  await detail.getByTestId('add-kql-exception').click();
  await expect.poll(() => rowIds(page)).toEqual(['a0000000-0000-4000-8000-00000000000c']);
  await page.getByRole('tab', { name: /Exceptions/ }).click();
  await expect(page.getByTestId('exceptions').locator('tr[data-exception]')).toContainText('source.ip:"198.51.100.23"');
  await expect(page.getByTestId('exceptions').getByTestId('suppressed-count')).toHaveText('1');
  await page.getByTestId('exceptions').getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(2);
  // Escape closes the detail flyout (it covers the toolbar's right end).
  await page.locator('tr[data-event-id="a0000000-0000-4000-8000-00000000000c"]').click();
  await expect(detail).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await page.getByTestId('search').fill('ops-alice');
  const shown = await rowIds(page);
  expect(shown.length).toBeGreaterThan(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  expect(lines[0]).toMatch(/^timestamp,severity,risk_score,rule_id,rule,/);
  expect(lines.length - 1).toBe(shown.length);
  for (const id of shown) expect(csv).toContain(id);

  // NDJSON export in Elastic's alert shape, as the CLI writes it.
  const [ndjson] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-ndjson').click()]);
  const docs = readFileSync(await ndjson.path(), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  expect(docs.map((d) => d.event.id).sort()).toEqual([...shown].sort());
  for (const doc of docs) {
    expect(doc['kibana.alert.rule.rule_id']).toBe('227dc608-e558-43d9-b521-150772250bae');
    expect(doc['kibana.alert.severity']).toBe('low');
  }

  expect(requests.offOrigin()).toEqual([]);
});

test('cancel stops a scan and the page stays usable', async ({ page }) => {
  await page.goto('/');
  // Many files of ordinary records made in the page (one shared buffer): the scan takes a while, so
  // Cancel lands mid-scan.
  const dataTransfer = await page.evaluateHandle(() => {
    const line = JSON.stringify({ eventVersion: '1.09', eventTime: '2026-03-02T03:00:00Z', eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances', awsRegion: 'eu-west-1', sourceIPAddress: '198.51.100.1', userAgent: 'aws-cli/2',
      recipientAccountId: '111122223333', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a', userName: 'a' } });
    const blob = new Blob([Array(20000).fill(line).join('\n')]);
    const dt = new DataTransfer();
    for (let i = 0; i < 80; i++) dt.items.add(new File([blob], `big-${String(i).padStart(2, '0')}.ndjson`));
    dt.items.add(new File(['{"Records":[]}'], 'zz-after.json'));
    return dt;
  });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'scanning');
  await page.getByTestId('cancel').click();
  await scanDone(page);
  await page.getByRole('tab', { name: /Files/ }).click();
  await expect(page.getByTestId('files').locator('[data-file="zz-after.json"]')).toHaveAttribute('data-status', 'skipped');
  // A new scan after a cancel works.
  await page.getByTestId('sample').click();
  await scanDone(page);
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(SAMPLE_ALERTS);
});

test('thousands of alerts stay fast: only visible rows are rendered', async ({ page }) => {
  await page.goto('/');
  const dataTransfer = await page.evaluateHandle(() => {
    const lines = [];
    for (let i = 0; i < 6000; i++) {
      const id = `b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const t = new Date(Date.UTC(2026, 2, 2, 0, 0, i)).toISOString().replace('.000', '');
      lines.push(JSON.stringify({
        eventVersion: '1.09', eventTime: t, eventSource: 's3.amazonaws.com', eventName: 'DeleteBucketPolicy', awsRegion: 'eu-west-1',
        sourceIPAddress: `198.51.100.${i % 200}`, userAgent: 'aws-cli/2.15.30', eventID: id, eventType: 'AwsApiCall',
        recipientAccountId: '111122223333', readOnly: false, managementEvent: true,
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${i % 37}`, accountId: '111122223333', userName: `u${i % 37}` },
        requestParameters: { bucketName: `bucket-${i % 50}` },
      }));
    }
    const dt = new DataTransfer();
    dt.items.add(new File([lines.join('\n')], 'many.ndjson'));
    return dt;
  });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  await scanDone(page);
  await expect(page.locator('.shown')).toHaveText('6,000 shown');
  const rendered = await page.locator('[data-testid="alerts"] tr[data-event-id]').count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(200);
  // Scrolling renders the rows that come into view.
  await page.locator('.table-scroll').evaluate((el) => { el.scrollTop = 34 * 3000; });
  await expect(page.locator('tr[data-event-id="b0000000-0000-4000-8000-000000003005"]')).toBeVisible();
  // Sorting and filtering thousands of rows answers quickly.
  const started = Date.now();
  await page.getByTestId('search').fill('u7 ');
  await expect(page.locator('.shown')).not.toHaveText('6,000 shown');
  expect(Date.now() - started).toBeLessThan(3000);
  await page.locator('button[data-sort="actor"]').click();
  await page.screenshot({ path: join(SHOTS, '10-many-alerts.png') });
});

test('a scanner that dies is reported and the user can start over', async ({ page }) => {
  // The worker's Wasm fails to load: the worker reports it instead of leaving the page waiting.
  await page.route('**/worker_bg.wasm', (route) => route.abort());
  await page.goto('/');
  await page.getByTestId('sample').click();
  await expect(page.getByTestId('error')).toContainText('The scanner stopped unexpectedly');
  await scanDone(page);
  await page.getByRole('tab', { name: /Files/ }).click();
  await expect(page.getByTestId('files').locator('[data-status="scanned"]')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, '11-scanner-died.png') });
  await page.getByTestId('error').getByRole('button', { name: 'Start over' }).click();
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'idle');
  await expect(page.getByTestId('error')).toHaveCount(0);
});
