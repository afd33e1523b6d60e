// In-browser scan throughput, from the drop to the finished table, and the longest block of the
// UI thread meanwhile (Long Tasks API). The corpus is a folder of files made by examples/corpus
// (TRAILHOUND_BENCH_CORPUS, its `logs/` and `expected.txt`). Two ways in, each its own test:
// the folder dragged onto the page (the browser's own drop, through CDP, and the page walks the
// folder), and every file chosen in the file picker (`setInputFiles`: Chromium builds one FileList
// of them all). Results go to test-output/bench-browser-{drop,pick}.json for scripts/bench to print.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS } from '../tests/helpers.mjs';
import { rendererPeakBytes } from './rss.mjs';

const CORPUS = process.env.TRAILHOUND_BENCH_CORPUS;

for (const way of ['drop', 'pick']) test(`scan throughput and the longest UI-thread block (${way})`, async ({ page }) => {
  test.skip(!CORPUS, 'TRAILHOUND_BENCH_CORPUS is not set');
  const expected = Object.fromEntries(
    readFileSync(join(CORPUS, 'expected.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]),
  );
  const logs = join(CORPUS, 'logs');
  const files = readdirSync(logs).sort().map((f) => join(logs, f));

  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('/');
  await expect(page.getByTestId('scan-status')).toBeAttached();
  const marked = await page.evaluate(() => {
    window.__longTasks.length = 0;
    return performance.now();
  });

  // What a drag from the file manager gives: the browser's drop of the folder itself.
  const box = await page.getByTestId('dropzone').boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const data = { items: [], files: [logs], dragOperationsMask: 1 };
  const cdp = await page.context().newCDPSession(page);
  const started = Date.now();
  if (way === 'drop') {
    for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  } else {
    await page.getByTestId('file-input').setInputFiles(files);
  }
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'done');
  const seconds = (Date.now() - started) / 1000;
  const tasks = await page.evaluate((since) => window.__longTasks.filter((t) => t.start >= since), marked);
  const alerts = await page.locator('[data-testid="alerts"] tr[data-event-id]').count();
  const result = {
    way,
    files: files.length,
    plain_bytes: expected.plain_bytes,
    file_bytes: expected.file_bytes,
    records: expected.records,
    seconds,
    mb_per_s: expected.plain_bytes / seconds / 1e6,
    records_per_s: expected.records / seconds,
    long_tasks: tasks.length,
    longest_task_ms: Math.max(0, ...tasks.map((t) => t.duration)),
    alert_rows_rendered: alerts,
    hardware_concurrency: await page.evaluate(() => navigator.hardwareConcurrency),
    largest_file_bytes: Math.max(...files.map((f) => statSync(f).size)),
    renderer_peak_bytes: rendererPeakBytes(),
  };
  mkdirSync(SHOTS, { recursive: true });
  // Every file scanned and every alert raised, however the files came in. The page runs the
  // built-in pack, whose alerts scripts/bench counts with the CLI (TRAILHOUND_BENCH_ALERTS); the
  // corpus's own count is the seed rule's.
  const status = await page.getByTestId('scan-status').textContent();
  const count = (n) => n.toLocaleString('en-US');
  const alertsWanted = Number(process.env.TRAILHOUND_BENCH_ALERTS ?? expected.alerts);
  expect(status.startsWith(`${count(alertsWanted)} alerts `), status).toBe(true);
  expect(status).toContain(`: ${count(files.length)} scanned`);
  writeFileSync(join(SHOTS, `bench-browser-${way}.json`), JSON.stringify(result, null, 2));
  await page.screenshot({ path: join(SHOTS, `bench-browser-${way}.png`) });
  console.log(JSON.stringify(result));
});
