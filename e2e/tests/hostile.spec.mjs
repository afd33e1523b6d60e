// Hostile input through the browser, on the release build. (1) Logs and a rule file full of script
// injection (tests/fixtures/hostile-web): nothing runs, every payload is shown as text, no link
// goes to javascript:. (2) A selection of the hostile corpus (tests/hostile/files, expectations
// read from tests/hostile/cases.toml) dropped with a good file: each file's own error, the good
// file still scanned, and the totals add up. (3) A planted record far past the record limit: passed
// over, and the worker's memory stays bounded.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MIXED, SHOTS, dropNamed, rowIds, scanDone, watchRequests } from './helpers.mjs';

const ORIGIN = 'http://127.0.0.1:4173/';
const TESTS = join(import.meta.dirname, '..', '..', 'tests');
const WEB = join(TESTS, 'fixtures', 'hostile-web');
const HOSTILE = join(TESTS, 'hostile');

const RULE_ID = '00000000-0000-4000-8000-00000000bad1';
const RULE_NAME = readFileSync(join(WEB, 'xss-rule.toml'), 'utf8').match(/^name = '''(.*)'''$/m)[1];
const EVENT_1 = 'f0000000-0000-4000-8000-000000000001';
const EVENT_2 = 'f0000000-0000-4000-8000-000000000002';
// The names the two files are given in the page: markup too.
const LOG_NAME = `<svg onload="window.__pwned='logName';alert('logName')">.json`;
const RULE_FILE_NAME = `<img src=x onerror="window.__pwned='ruleFile';alert('ruleFile')">.toml`;

/** Fails the test on any dialog, page error or console error (a CSP violation is one) and on any
 * request off the origin or for `x` (what an injected `<img src=x>` would fetch). */
function guard(page, context) {
  const seen = { dialogs: [], errors: [] };
  page.on('dialog', (dialog) => { seen.dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  const requests = watchRequests(context, ORIGIN);
  seen.check = async (when) => {
    expect(await page.evaluate(() => typeof window.__pwned), `window.__pwned ${when}`).toBe('undefined');
    expect(seen.dialogs, `dialogs ${when}`).toEqual([]);
    expect(seen.errors, `page and console errors ${when}`).toEqual([]);
    expect(requests.offOrigin(), `requests off the origin ${when}`).toEqual([]);
    expect(requests.urls.filter((u) => /\/x$/.test(u)), `requests for x ${when}`).toEqual([]);
    // No markup from the data became elements: no script/iframe/img/object in the app, no on*
    // attribute anywhere, and every link is http(s) or mailto (as the browser reads the href).
    const dom = await page.evaluate(() => ({
      elements: [...document.querySelectorAll('#root script, #root iframe, #root img, #root object, #root embed')].map((e) => e.outerHTML),
      handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)),
      links: [...document.querySelectorAll('a[href]')].filter((a) => !['http:', 'https:', 'mailto:'].includes(a.protocol)).map((a) => a.getAttribute('href')),
    }));
    expect(dom, `the DOM ${when}`).toEqual({ elements: [], handlers: [], links: [] });
  };
  return seen;
}

test('script in logs and in a rule file is shown as text and never runs', async ({ page, context }) => {
  const seen = guard(page, context);
  await page.goto('/');

  // The rule file, under a hostile name, through the rules panel.
  await page.getByRole('tab', { name: /Rules/ }).click();
  const rules = page.getByTestId('rules');
  await rules.getByTestId('rule-input').setInputFiles({ name: RULE_FILE_NAME, mimeType: 'text/plain', buffer: readFileSync(join(WEB, 'xss-rule.toml')) });
  await expect(rules.locator(`tr[data-rule-id="${RULE_ID}"]`)).toContainText(RULE_NAME);
  await expect(rules.getByTestId('rule-problems')).toHaveCount(0);
  await expect(rules).toContainText(RULE_FILE_NAME);
  await seen.check('after adding the rule file');
  await page.screenshot({ path: join(SHOTS, 'hostile-01-rules.png') });

  // The log: both events alert under the built-in rule (low) and the hostile one (high).
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await dropNamed(page, [{ name: LOG_NAME, path: join(WEB, 'xss-cloudtrail.json') }]);
  await scanDone(page);
  await expect.poll(() => rowIds(page).then((ids) => ids.sort())).toEqual([EVENT_1, EVENT_1, EVENT_2, EVENT_2]);
  const table = page.getByTestId('alerts');
  await expect(table.locator('tr[data-severity="high"]')).toHaveCount(2);
  await expect(table).toContainText(RULE_NAME);
  await expect(table).toContainText(`<img src=x onerror="window.__pwned='userName';alert('userName')">`);
  await expect(table).toContainText(`<svg/onload=window.__pwned='bucket';alert('bucket')>`);
  await expect(table).toContainText(`javascript:window.__pwned='bucket2';alert('bucket2')`);
  await expect(page.getByTestId('overview')).toContainText(`<svg onload="window.__pwned='sourceIP';alert('sourceIP')">`);
  await seen.check('after the scan');
  await page.screenshot({ path: join(SHOTS, 'hostile-02-alerts.png') });

  // The detail of the hostile rule's alert: summary, rule text, the guide from Markdown, the record.
  await table.locator(`tr[data-event-id="${EVENT_1}"][data-severity="high"]`).click();
  const detail = page.getByTestId('detail');
  const guide = detail.getByTestId('guide');
  await expect(guide).toBeVisible();
  await expect(detail.locator('.detail-head h2')).toHaveText(RULE_NAME);
  for (const text of [
    `arn:aws:iam::111122223333:user/<script>window.__pwned='arn';alert('arn')</script>`,
    `AKIA<i onmouseover=alert('key')>KEY</i>`,
    `<a href="javascript:window.__pwned='userAgent';alert('userAgent')">aws-cli</a>`,
    `<svg onload="window.__pwned='description';alert('description')"></svg>`,
    `<img src=x onerror="window.__pwned='tactic';alert('tactic')">`,
    `<svg onload="window.__pwned='technique';alert('technique')">`,
    `<script>window.__pwned="tag";alert("tag")</script>`,
    `<img src=x onerror="window.__pwned='falsePositive';alert('falsePositive')">`,
    `javascript:window.__pwned='reference';alert('reference')`,
    `Found in`, LOG_NAME,
  ]) await expect(detail).toContainText(text);
  await expect(detail.locator('pre.kql')).toContainText(`not user.name:"<b onmouseover=alert('query')>trusted</b>"`);
  for (const text of [
    `<script>window.__pwned='heading';alert('heading')</script>`,
    `<script>window.__pwned='noteScript';alert('noteScript')</script>`,
    `<img src=x onerror="window.__pwned='noteImg';alert('noteImg')">`,
    `<svg onload="window.__pwned='noteSvg';alert('noteSvg')"></svg>`,
    `<iframe src="javascript:window.__pwned='noteIframe';alert('noteIframe')"></iframe>`,
    `<a href="javascript:window.__pwned='rawAnchor';alert('rawAnchor')">`,
    `<script>window.__pwned='code';alert('code')</script>`,
    `<script>window.__pwned='tableCell';alert('tableCell')</script>`,
  ]) await expect(guide).toContainText(text);
  // The guide is still rendered Markdown: headings, a list, a table, the one safe link.
  await expect(guide.locator('h3', { hasText: 'Possible investigation steps' })).toBeVisible();
  await expect(guide.locator('table td').first()).toBeVisible();
  const hrefs = await guide.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(hrefs.length).toBeGreaterThanOrEqual(6);
  for (const href of hrefs) expect(href === null || /^(https?:|mailto:)/i.test(href), `guide link ${href}`).toBe(true);
  expect(hrefs).toContain('https://example.com/guide');
  // A quote in an http(s) URL stays inside the href.
  expect(hrefs).toContain(`https://example.com/"onmouseover="window.__pwned='attr';alert('attr')`);
  // References and MITRE links: a javascript: URL is text, never a link.
  await expect(detail.locator('ul.references a')).toHaveCount(1);
  await expect(detail.locator('ul.mitre a')).toHaveCount(0);
  // The raw record and the ECS document, markup as JSON text (a request-parameter key too).
  await detail.locator('summary', { hasText: 'Original CloudTrail record' }).click();
  await expect(detail.getByTestId('original-record')).toContainText(`"<script>window.__pwned='paramKey';alert('paramKey')</script>": "a key that is markup"`);
  await detail.locator('summary', { hasText: 'ECS document' }).click();
  await expect(detail.getByTestId('ecs-document')).toContainText(`<svg/onload=window.__pwned='bucket';alert('bucket')>`);
  await seen.check('after opening the detail');
  await page.screenshot({ path: join(SHOTS, 'hostile-03-detail.png') });
  await guide.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'hostile-04-guide.png') });

  // The second event: the KQL exception box is prefilled with an ARN that closes </textarea>.
  await table.locator(`tr[data-event-id="${EVENT_2}"][data-severity="high"]`).click();
  await expect(detail.getByTestId('kql-exception')).toHaveValue(
    `aws.cloudtrail.user_identity.arn:"arn:aws:sts::111122223333:assumed-role/ci</textarea><script>window.__pwned='textarea';alert('textarea')</script>/s"`);
  await expect(detail).toContainText(`{{constructor.constructor('window.__pwned="template";alert("template")')()}}`);
  await seen.check('after opening the second detail');
  await page.keyboard.press('Escape');

  // Filters: free text with markup, the rule facet, the actor from the top actors.
  await page.getByTestId('search').fill(`<script>window.__pwned='arn'`);
  await expect.poll(() => rowIds(page)).toEqual([EVENT_1, EVENT_1]);
  await page.getByTestId('search').fill('');
  await page.getByTestId('filter-rule').selectOption(RULE_NAME);
  await expect.poll(() => rowIds(page).then((ids) => ids.sort())).toEqual([EVENT_1, EVENT_2]);
  await page.getByTestId('filter-rule').selectOption('');
  await page.getByTestId('overview').locator('button.linkish').first().click();
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(2);
  await seen.check('after filtering');
  await page.screenshot({ path: join(SHOTS, 'hostile-05-filtered.png') });
  await page.getByTestId('filter-actor').selectOption('');
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(4);

  // An exception on the hostile ARN is listed as text.
  await table.locator(`tr[data-event-id="${EVENT_1}"][data-severity="high"]`).click();
  await detail.locator('[data-except="actor-ARN"]').click();
  await page.getByRole('tab', { name: /Exceptions/ }).click();
  await expect(page.getByTestId('exceptions')).toContainText(`<script>window.__pwned='arn';alert('arn')</script>`);
  // The files panel names the log by its hostile name.
  await page.getByRole('tab', { name: /Files/ }).click();
  await expect(page.getByTestId('files').locator('[data-status="scanned"]')).toContainText(LOG_NAME);
  await seen.check('at the end');
});

/** The `[[case]]` tables of tests/hostile/cases.toml: only the `key = "string"` / `key = 123`
 * lines it is written with; anything else throws, so the expectations cannot drift silently. */
function readCases() {
  const cases = [];
  let into = null;
  for (const [i, raw] of readFileSync(join(HOSTILE, 'cases.toml'), 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === '[[case]]') { into = { record_errors: [] }; cases.push(into); continue; }
    if (line === '[[case.record_error]]') { into = {}; cases.at(-1).record_errors.push(into); continue; }
    const m = line.match(/^([a-z_]+) = ("(?:[^"\\]|\\.)*"|\d+)$/);
    if (!m) throw new Error(`cases.toml line ${i + 1}: not read: ${line}`);
    // A TOML basic string with the escapes cases.toml uses (\" \\ \uXXXX) is valid JSON.
    if (into) into[m[1]] = JSON.parse(m[2]);
  }
  return cases;
}

const PICKED = ['empty.json', 'zero-bytes.json.gz', 'gzip-truncated.ndjson.gz', 'png.json', 'invalid-utf8.json',
  'records-not-objects.json', 'wrong-header.csv', 'nested-120.json', 'unknown-object.json', 'records-object.json'];
const GOOD = { file: 'array.json', path: join(MIXED, 'exports', 'array.json'), status: 'scanned', records: 3, scanned: 3, errors: 0, alerts: 1, record_errors: [] };

test('a selection of the hostile corpus: each file its own error, the good file scanned, totals add up', async ({ page, context }) => {
  const seen = guard(page, context);
  const all = readCases();
  const cases = PICKED.map((name) => all.find((c) => c.file === name));
  expect(cases.every((c) => c && !c.generate)).toBe(true);
  expect(new Set(cases.map((c) => c.status))).toEqual(new Set(['error', 'scanned']));
  const expected = [...cases, GOOD];

  await page.goto('/');
  await dropNamed(page, expected.map((c) => ({ name: c.file, path: c.path ?? join(HOSTILE, 'files', c.file) })));
  await scanDone(page);

  await page.getByRole('tab', { name: /Files/ }).click();
  const files = page.getByTestId('files');
  await expect(files.locator('[data-file]')).toHaveCount(expected.length);
  for (const c of expected) {
    const row = files.locator(`[data-file="${c.file}"]`);
    await expect(row, c.file).toHaveAttribute('data-status', c.status);
    await expect(row, c.file).toHaveAttribute('data-records', String(c.records));
    await expect(row, c.file).toHaveAttribute('data-scanned', String(c.scanned));
    await expect(row, c.file).toHaveAttribute('data-record-errors', String(c.errors));
    await expect(row, c.file).toHaveAttribute('data-alerts', String(c.alerts));
    expect(c.records, `${c.file}: records = scanned + errors`).toBe(c.scanned + c.errors);
    const summary = row.locator('.file-summary');
    if (c.message !== undefined) {
      // The page says where, as the CLI does, then why.
      await expect(summary, c.file).toContainText(`${c.at}: `);
      await expect(summary, c.file).toContainText(c.message);
    }
    if (c.status === 'scanned') {
      const plural = (n, one) => `${n} ${n === 1 ? one : `${one}s`}`;
      await expect(summary, c.file).toHaveText(`${plural(c.records, 'record')}, ${plural(c.alerts, 'alert')}`);
    }
    if (c.errors > 0) await expect(row.locator('.file-notes'), c.file).toContainText(`${c.errors} records could not be read`);
    for (const e of c.record_errors) {
      await expect(row.locator('.record-errors'), c.file).toContainText(`record ${e.index + 1}, ${e.at}: ${e.message}`);
    }
    // What the page shows is text without control characters (a key in unknown-object.json holds
    // a terminal escape sequence).
    expect(await row.innerText(), c.file).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    if (c.file === 'unknown-object.json') await expect(summary).toContainText('`\\u{1b}[2Jowned`');
  }
  await page.screenshot({ path: join(SHOTS, 'hostile-06-corpus-files.png'), fullPage: true });

  // Totals: files by status, records seen and alerts equal the sums over the files.
  const sum = (key) => expected.reduce((n, c) => n + c[key], 0);
  const count = (status) => expected.filter((c) => c.status === status).length;
  const status = page.getByTestId('scan-status');
  const plural = (n, one) => `${n.toLocaleString('en-US')} ${n === 1 ? one : `${one}s`}`;
  await expect(status).toContainText(`${plural(sum('alerts'), 'alert')} · ${plural(sum('records'), 'record')} in ${expected.length} files`);
  await expect(status).toContainText(`: ${count('scanned')} scanned, ${count('error')} with errors`);
  expect(count('scanned') + count('error')).toBe(expected.length);

  // The alerts: the good file's and those read before each file's error.
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await expect.poll(() => rowIds(page).then((ids) => ids.length)).toBe(sum('alerts'));
  expect(await rowIds(page)).toContain('a0000000-0000-4000-8000-00000000000c');
  await page.screenshot({ path: join(SHOTS, 'hostile-07-corpus-alerts.png') });
  await seen.check('after the corpus scan');
});

/** A record of the built-in seed rule (a bucket's CORS deleted) under eventID `id`, on one line. */
function alerting(id) {
  const record = JSON.parse(readFileSync(join(MIXED, 'exports', 'array.json'), 'utf8')).find((r) => r.eventName === 'DeleteBucketCors');
  return JSON.stringify({ ...record, eventID: id });
}

test('a planted 512 MiB record is passed over without the worker ever holding it', async ({ page, context }) => {
  const seen = guard(page, context);
  // As an attacker would plant it: a delivery of well under a megabyte whose middle record is a
  // 512 MiB string (members of 1 MiB each), between two records the seed rule alerts on.
  const [first, second] = ['e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002'];
  const head = `{"Records":[${alerting(first)},\n{"eventVersion":"1.08","x":"`;
  const member = gzipSync(Buffer.alloc(1 << 20, 'A'));
  const planted = Buffer.concat([gzipSync(head), ...Array(512).fill(member), gzipSync(`"},\n${alerting(second)}]}\n`)]);
  expect(planted.length).toBeLessThan(1 << 20);
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-planted-'));
  const path = join(dir, 'planted.json.gz');
  writeFileSync(path, planted);

  await page.goto('/');
  await dropNamed(page, [{ name: 'planted.json.gz', path }]);
  await scanDone(page);
  rmSync(dir, { recursive: true });
  await expect.poll(() => rowIds(page).then((ids) => ids.sort())).toEqual([first, second]);
  await page.getByRole('tab', { name: /Files/ }).click();
  const row = page.getByTestId('files').locator('[data-file="planted.json.gz"]');
  await expect(row).toHaveAttribute('data-records', '3');
  await expect(row).toHaveAttribute('data-record-errors', '1');
  await expect(row.locator('.record-errors')).toContainText(
    `record 2, line 2, byte ${Buffer.byteLength(head.slice(0, head.lastIndexOf('\n') + 1))}: record is longer than the limit of 2097152 bytes a record may take; skipped without reading it`);
  // The worker's Wasm memory (which only grows) stays far below the record: the window holds a
  // little past the record limit while the record is tried, never the record.
  const memory = Number(await page.getByTestId('scanner-memory').getAttribute('data-bytes'));
  console.log(`worker memory after the planted file: ${(memory / 2 ** 20).toFixed(0)} MiB`);
  expect(memory).toBeGreaterThan(0);
  expect(memory).toBeLessThan(128 * 2 ** 20);
  await page.screenshot({ path: join(SHOTS, 'hostile-08-planted.png') });
  await seen.check('after the planted file');
});
