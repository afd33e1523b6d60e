import { test, expect } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
const CORPUS = process.env.TRAILHOUND_BENCH_CORPUS;
test('profile', async ({ page }) => {
  const logs = join(CORPUS, 'logs');
  const files = readdirSync(logs).sort().map((f) => join(logs, f));
  await page.goto('/');
  await expect(page.getByTestId('scan-status')).toBeAttached();
  await page.waitForTimeout(500);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.getByTestId('file-input').setInputFiles(files);
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'done');
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const s of profile.samples) counts.set(s, (counts.get(s) || 0) + 1);
  let total = 0;
  for (const [id, c] of counts) {
    const n = byId.get(id);
    const name = n.callFrame.functionName || '(anon)';
    if (name === '(idle)' || name === '(program)') continue;
    total += c;
    self.set(name, (self.get(name) || 0) + c);
  }
  const early = new Map(); { let t = profile.startTime; for (let i = 0; i < profile.samples.length; i++) { t += profile.timeDeltas[i]; if (t - profile.startTime > 400000) break; const n = byId.get(profile.samples[i]); const nm = n.callFrame.functionName; if (nm === '(idle)' || nm === '(program)') continue; early.set(nm, (early.get(nm) || 0) + 1); } } console.log('EARLY'); for (const [n, c] of [...early.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(c, n.slice(0, 140));
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  console.log('TOTAL', total);
  for (const [n, c] of top) console.log(c, n.slice(0, 120));
});
