// Hunting in the page: the Stratus detonations dropped, an alert opened and pivoted to its access
// key shows every event of that key in time order (checked against the fixture files read here),
// the alert's own event marked; a query on an indexed field gives the fixture's count; a query on
// another field is answered by searching every file; the result exports as CSV, and as NDJSON
// equal to `trailhound hunt --format ndjson` on the same files; an opened event shows its whole
// document, read again from its file; the table's columns are chosen and sorted; the keyboard works.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, dropNamed, scanDone } from './helpers.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const STRATUS = join(ROOT, 'tests', 'fixtures', 'stratus');
const NAMES = readdirSync(STRATUS).filter((n) => n.endsWith('.json')).sort();
const CLI = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'debug', 'trailhound');

// The CLI the page's NDJSON export is checked against (built already when scripts/test runs).
test.beforeAll(() => {
  test.setTimeout(600_000);
  execFileSync('cargo', ['build', '--locked', '-q', '-p', 'trailhound-cli'], { cwd: ROOT, stdio: 'inherit' });
});

/** What `trailhound hunt QUERY --format ndjson` prints for the fixtures: one line an event. */
function cliHunt(query) {
  const out = execFileSync(CLI, ['hunt', query, '--format', 'ndjson', ...NAMES.map((n) => join(STRATUS, n))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
  return out.split('\n').filter((line) => line !== '');
}

/** Every event of the fixtures once (the first delivery kept), in time order as the page orders them. */
function events() {
  const seen = new Set();
  const out = [];
  for (const name of NAMES) {
    JSON.parse(readFileSync(join(STRATUS, name), 'utf8')).forEach((record, index) => {
      if (seen.has(record.eventID)) return;
      seen.add(record.eventID);
      out.push({ name, index, record, time: new Date(record.eventTime).toISOString() });
    });
  }
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index));
}

test('an alert pivots to every event of its access key; hunts and exports', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await dropNamed(page, NAMES.map((name) => ({ name, path: join(STRATUS, name) })));
  await scanDone(page);
  const all = events();
  await expect(page.locator('[data-tab="events"] .tab-count')).toHaveText(String(all.length));

  // The alert on an event of the busiest access key among those alerted on.
  const ids = await page.getByTestId('alerts').locator('tr[data-event-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.eventId));
  const keyOf = (id) => all.find((e) => e.record.eventID === id)?.record.userIdentity?.accessKeyId;
  const busy = (key) => all.filter((e) => e.record.userIdentity?.accessKeyId === key).length;
  const eventId = ids.filter(keyOf).sort((a, b) => busy(keyOf(b)) - busy(keyOf(a)))[0];
  const target = all.find((e) => e.record.eventID === eventId);
  const key = target.record.userIdentity.accessKeyId;
  await page.getByTestId('alerts').locator(`tr[data-event-id="${eventId}"]`).first().click();
  await page.getByTestId('pivot-access-key').click();
  const panel = page.getByTestId('events-panel');
  await expect(page.getByTestId('hunt-query')).toHaveValue(`aws.cloudtrail.user_identity.access_key_id:"${key}"`);
  const want = all.filter((e) => e.record.userIdentity?.accessKeyId === key);
  expect(want.length).toBeGreaterThan(10);
  await expect(page.getByTestId('hunt-count')).toHaveAttribute('data-count', String(want.length));
  const rows = panel.getByTestId('event-row');
  const got = await rows.evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[2].textContent]));
  expect(got).toEqual(want.map((e) => [e.time, e.record.eventName]));
  await expect(panel.locator('tr[data-marked="true"]')).toHaveCount(1);
  const marked = await panel.locator('tr[data-marked="true"]').evaluate((tr) => tr.cells[0].textContent);
  expect(marked).toBe(target.time);
  await expect(page.getByTestId('histogram')).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '34-events-pivot.png'), fullPage: true });
  // Opened, the marked event shows its whole ECS document and record, read again from its file.
  await panel.locator('tr[data-marked="true"]').click();
  const document = page.getByTestId('event-ecs-document');
  await expect(document).toContainText(`"id": "${target.record.eventID}"`);
  await expect(document).toContainText(`"action": "${target.record.eventName}"`);
  await expect(page.getByTestId('event-original-record')).toContainText(`"eventID": "${target.record.eventID}"`, { useInnerText: false });
  await page.getByTestId('event-ecs-document').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, '41-events-record.png'), fullPage: true });
  await page.keyboard.press('Escape');
  // A window around the alert holds no more than all time.
  await page.getByTestId('span-hour').click();
  const hour = Number(await page.getByTestId('hunt-count').getAttribute('data-count'));
  expect(hour).toBeLessThanOrEqual(want.length);
  expect(hour).toBeGreaterThan(0);
  await page.getByTestId('span-all').click();
  // Saved as an exception (for every rule): the alert on the pivot's key is suppressed.
  await page.getByTestId('save-hunt-exception').click();
  await expect(page.locator('[data-tab="exceptions"] .tab-count')).toHaveText('1');

  // A query on indexed fields, typed after `/`.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await expect(page.getByTestId('hunt-query')).toBeFocused();
  await page.getByTestId('hunt-query').fill('event.outcome:failure and not source.ip:10.0.0.0/8');
  await page.getByTestId('hunt-run').click();
  const failures = all.filter((e) => e.record.errorCode || e.record.errorMessage);
  await expect(page.getByTestId('hunt-count')).toHaveAttribute('data-count', String(failures.length));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-events-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  expect(csv[0].startsWith('@timestamp,cloud.account.id,')).toBe(true);
  expect(csv.length).toBe(failures.length + 1);
  await page.screenshot({ path: join(SHOTS, '35-events-hunt.png'), fullPage: true });
  // As NDJSON: each event's ECS document, read again from its file, as the CLI prints them.
  const [ndjson] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-events-ndjson').click()]);
  const lines = readFileSync(await ndjson.path(), 'utf8').split('\n').filter((line) => line !== '');
  expect(lines.map((l) => JSON.parse(l).event.id)).toEqual(failures.map((e) => e.record.eventID));
  expect(lines).toEqual(cliHunt('event.outcome:failure and not source.ip:10.0.0.0/8'));

  // The table's columns: the access key and read-only added, sorted by action, then descending.
  await page.getByTestId('events-columns').locator('summary').click();
  await page.getByTestId('events-column-access-key').check();
  await page.getByTestId('events-column-read-only').check();
  const table = panel.getByTestId('events-table');
  await expect(table.locator('th')).toHaveText(['Time', 'Principal', 'Action', 'Source', 'Outcome', 'Region', 'Account', 'Access key', 'Read-only']);
  await page.getByTestId('events-sort-action').locator('button').click();
  await expect(page.getByTestId('events-sort-action')).toHaveAttribute('aria-sort', 'ascending');
  const column = (key) => panel.locator(`td[data-column="${key}"]`).evaluateAll((tds) => tds.map((td) => td.textContent));
  const byAction = [...failures].sort((a, b) => (a.record.eventName < b.record.eventName ? -1 : a.record.eventName > b.record.eventName ? 1 : 0));
  expect(await column('action')).toEqual(byAction.map((e) => e.record.eventName));
  expect(await column('read-only')).toEqual(byAction.map((e) => (e.record.readOnly === undefined ? '-' : String(e.record.readOnly))));
  await page.getByTestId('events-sort-action').locator('button').click();
  await expect(page.getByTestId('events-sort-action')).toHaveAttribute('aria-sort', 'descending');
  expect((await column('action'))[0]).toBe(byAction[byAction.length - 1].record.eventName);
  await page.screenshot({ path: join(SHOTS, '42-events-columns.png'), fullPage: true });
  await page.getByTestId('events-sort-action').locator('button').click();
  await expect(page.getByTestId('events-sort-action')).toHaveAttribute('aria-sort', 'none');
  // Saved as a rule: an Elastic query rule file with the query, downloaded and added to the rules.
  const [ruleFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-hunt-rule').click()]);
  const toml = readFileSync(await ruleFile.path(), 'utf8');
  expect(toml).toContain('type = "query"');
  expect(toml).toContain('query = "event.outcome:failure and not source.ip:10.0.0.0/8"');
  await expect(page.locator('[data-tab="rules"] .tab-count')).toHaveText('93');

  // The keyboard: down to the first row, Enter opens it, Escape closes.
  await page.getByTestId('events-table').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('event-detail')).toContainText('event.action');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('event-detail')).toHaveCount(0);

  // From an event to its neighbours: every event within five minutes of it, in time order, it marked.
  const first = await panel.getByTestId('event-row').first().evaluate((tr) => tr.cells[0].textContent);
  await page.keyboard.press('Enter');
  await page.getByTestId('neighbours-around').click();
  await expect(page.getByTestId('hunt-query')).toHaveValue('');
  const near = all.filter((e) => Math.abs(Date.parse(e.time) - Date.parse(first)) <= 5 * 60_000);
  expect(near.length).toBeLessThanOrEqual(500);
  await expect(page.getByTestId('hunt-count')).toHaveAttribute('data-count', String(near.length));
  const listed = await panel.getByTestId('event-row').evaluateAll((trs) => trs.map((tr) => tr.cells[0].textContent));
  expect(listed).toEqual(near.map((e) => e.time));
  await expect(panel.locator('tr[data-marked="true"]')).toHaveCount(1);
  await page.screenshot({ path: join(SHOTS, '38-events-neighbours.png'), fullPage: true });
  await page.getByTestId('span-all').click();

  // A field the index does not keep: said so, then answered by searching every file.
  await page.getByTestId('hunt-query').fill('aws.cloudtrail.event_type:AwsApiCall and event.action:Get*');
  await page.getByTestId('hunt-run').click();
  await expect(page.getByTestId('hunt-not-indexed')).toContainText('aws.cloudtrail.event_type');
  await page.getByTestId('search-files').click();
  const gets = all.filter((e) => e.record.eventType === 'AwsApiCall' && e.record.eventName.startsWith('Get'));
  await expect(page.getByTestId('hunt-count')).toHaveAttribute('data-count', String(gets.length));
  const names = await panel.getByTestId('event-row').evaluateAll((trs) => trs.map((tr) => tr.cells[2].textContent));
  expect(names).toEqual(gets.slice(0, 500).map((e) => e.record.eventName));
  await page.screenshot({ path: join(SHOTS, '36-events-file-search.png'), fullPage: true });

  // No query: every event, and who did what, the most alerted first; a row opens its events.
  await page.getByTestId('hunt-query').fill('');
  await page.getByTestId('hunt-run').click();
  await expect(page.getByTestId('hunt-count')).toHaveAttribute('data-count', String(all.length));
  const principals = page.getByTestId('principal-row');
  const arns = new Set(all.map((e) => e.record.userIdentity?.arn ?? null));
  await expect(principals).toHaveCount(arns.size);
  const top = await principals.first().evaluate((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)]);
  expect(top[1]).toBeGreaterThan(0);
  await page.screenshot({ path: join(SHOTS, '37-events-principals.png'), fullPage: true });
  await principals.first().click();
  await expect(page.getByTestId('hunt-query')).toHaveValue(`aws.cloudtrail.user_identity.arn:"${top[0]}"`);
  await expect(page.getByTestId('hunt-count')).toHaveAttribute('data-count', String(all.filter((e) => e.record.userIdentity?.arn === top[0]).length));
  expect(errors).toEqual([]);
});

// A `.json.gz` past what the worker reads whole (8 MiB) is read again from checkpoints: two late
// events, far apart, open with their own records, and the first again after the second.
test('late events of a big .json.gz open with their own records', async ({ page }) => {
  test.setTimeout(180_000);
  const { randomBytes } = await import('node:crypto');
  const { gzipSync } = await import('node:zlib');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const count = 120_000;
  const special = new Map([[60_000, 'DeleteTrail'], [119_000, 'DeleteTrail']]);
  const records = [];
  for (let n = 0; n < count; n++) {
    records.push({
      eventVersion: '1.08',
      eventTime: new Date(Date.UTC(2024, 2, 1) + n * 1000).toISOString().replace('.000Z', 'Z'),
      eventSource: 's3.amazonaws.com',
      eventName: special.get(n) ?? 'GetObject',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.7',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/alice', accountId: '111111111111' },
      requestID: randomBytes(64).toString('hex'),
      eventID: `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
    });
  }
  const gz = gzipSync(JSON.stringify({ Records: records }), { level: 1 });
  expect(gz.length).toBeGreaterThan(8 << 20);
  const dir = join(SHOTS, 'big-gzip');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'big.json.gz');
  writeFileSync(path, gz);

  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  await scanDone(page);
  await page.locator('[data-tab="events"]').click();
  await page.getByTestId('hunt-query').fill('event.action:DeleteTrail');
  await page.getByTestId('hunt-run').click();
  await expect(page.getByTestId('hunt-count')).toHaveAttribute('data-count', '2');
  const rows = page.getByTestId('events-panel').getByTestId('event-row');
  for (const index of [0, 1, 0]) {
    const n = [...special.keys()][index];
    await rows.nth(index).click();
    const original = page.getByTestId('event-original-record');
    await expect(original).toContainText(`"eventID": "${records[n].eventID}"`, { useInnerText: false, timeout: 60_000 });
    await expect(original).toContainText(`"requestID": "${records[n].requestID}"`, { useInnerText: false });
    await page.keyboard.press('Escape');
  }
});
