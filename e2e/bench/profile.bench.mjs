// A CPU profile of the page's own thread while a corpus folder is dropped (the workers are not
// in it): where the page spends the time it takes from the workers. Runs only when
// TRAILHOUND_PROFILE is set, with TRAILHOUND_BENCH_CORPUS as for scan.bench.mjs. Function names
// need a build that keeps them: `trunk build --release=true --dist DIR` of an index.html whose
// `app` link adds `data-keep-debug="true" data-wasm-opt="0"`, served with TRAILHOUND_DIST=DIR.
// Writes test-output/page.cpuprofile (Chromium DevTools opens it) and prints the top self times.
import { test, expect } from '@playwright/test';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS } from '../tests/helpers.mjs';

const CORPUS = process.env.TRAILHOUND_BENCH_CORPUS;

test('a profile of the page while a folder is dropped', async ({ page }) => {
  test.skip(!process.env.TRAILHOUND_PROFILE || !CORPUS, 'TRAILHOUND_PROFILE and TRAILHOUND_BENCH_CORPUS are not set');
  await page.goto('/');
  await expect(page.getByTestId('scan-status')).toBeAttached();
  const box = await page.getByTestId('dropzone').boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const data = { items: [], files: [join(CORPUS, 'logs')], dragOperationsMask: 1 };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const started = Date.now();
  for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'done');
  const seconds = (Date.now() - started) / 1000;
  const { profile } = await cdp.send('Profiler.stop');
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, 'page.cpuprofile'), JSON.stringify(profile));
  // Self time by function.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const name = byId.get(id).callFrame.functionName || '(anonymous)';
    self.set(name, (self.get(name) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(`drop to finished table: ${seconds} s`);
  for (const [name, ms] of top) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name.slice(0, 140)}`);
});
