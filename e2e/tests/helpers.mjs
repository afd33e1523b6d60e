// Shared helpers of the end-to-end tests: fixture files, a real drop, and a guard that records
// every request so a test can assert none left the origin.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from '@playwright/test';

export const MIXED = join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'mixed');
export const SHOTS = join(import.meta.dirname, '..', '..', 'test-output');

/** Drops `paths` (relative to tests/fixtures/mixed) on the drop zone with a real DataTransfer. */
export async function dropFiles(page, paths) {
  await dropNamed(page, paths.map((p) => ({ name: basename(p), path: join(MIXED, p) })));
}

/** Drops files read from `path`, each named `name` in the page, with a real DataTransfer. */
export async function dropNamed(page, entries) {
  const files = entries.map(({ name, path }) => ({ name, data: readFileSync(path).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const { name, data } of files) {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], name));
    }
    return dt;
  }, files);
  const zone = page.getByTestId('dropzone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

/** Records every request of the page and its workers; `offOrigin()` lists those that left it. */
export function watchRequests(context, origin) {
  const urls = [];
  context.on('request', (request) => urls.push(request.url()));
  return {
    urls,
    offOrigin: () => urls.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')),
  };
}

/** Waits for the scan to finish. */
export async function scanDone(page) {
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'done');
}

/** The `data-event-id`s of the alert rows shown. */
export async function rowIds(page) {
  return page.locator('[data-testid="alerts"] tr[data-event-id]').evaluateAll((rows) => rows.map((r) => r.dataset.eventId));
}
