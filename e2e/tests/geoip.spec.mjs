// GeoIP databases in the page: added in the rules tab (told by their metadata, a broken file
// refused with why), kept in the browser across a reload, handed to the workers so that alerts
// carry the location, network and client and rules match on them, and removed again; the panel
// says which rules need a database no kept one provides.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, dropNamed, scanDone, watchRequests } from './helpers.mjs';

const FIXTURES = join(import.meta.dirname, '..', '..', 'tests', 'fixtures');
const GEOIP = join(FIXTURES, 'geoip');
const CASE = join(FIXTURES, 'enrich');
const file = (dir, name) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(join(dir, name)) });

test('databases added once enrich every scan, survive a reload, and can be removed', async ({ page, context, baseURL }) => {
  const requests = watchRequests(context, new URL(baseURL).origin);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByRole('tab', { name: /Rules/ }).click();
  await page.getByTestId('rule-input').setInputFiles([file(CASE, 'bucket-listing-from-outside.toml')]);
  const panel = page.getByTestId('geoip');
  await expect(panel.getByTestId('geoip-none')).toBeVisible();
  await expect(panel.getByTestId('geoip-needs')).toContainText('needs an ASN database');
  await expect(panel.getByTestId('geoip-needs')).toContainText('Buckets Listed from Bredband2');

  // A file that is no database is refused, naming it.
  await panel.getByTestId('geoip-input').setInputFiles([{ name: 'broken.mmdb', mimeType: 'application/octet-stream', buffer: Buffer.from('not a database') }]);
  await expect(page.getByTestId('error')).toContainText('broken.mmdb: not a MaxMind DB file');
  await page.getByTestId('error').getByRole('button', { name: /Dismiss/ }).click();

  await panel.getByTestId('geoip-input').setInputFiles([file(GEOIP, 'GeoLite2-City-Test.mmdb'), file(GEOIP, 'GeoLite2-ASN-Test.mmdb')]);
  await expect(panel.getByTestId('geoip-database')).toHaveCount(2);
  await expect(panel.locator('[data-name="GeoLite2-City-Test.mmdb"]')).toContainText('GeoLite2-City');
  await expect(panel.locator('[data-name="GeoLite2-ASN-Test.mmdb"]')).toContainText('ASN');
  await expect(panel.getByTestId('geoip-needs')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, '30-geoip-databases.png') });

  const scan = async () => {
    await page.getByRole('tab', { name: /Alerts/ }).click();
    await dropNamed(page, [{ name: 'calls.json', path: join(CASE, 'calls.json') }]);
    await scanDone(page);
  };
  await scan();
  const rows = page.getByTestId('alerts').locator('tr[data-event-id]').filter({ hasText: 'Buckets Listed from Bredband2' });
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('overview')).toContainText('Top countries');
  await expect(page.getByTestId('overview')).toContainText('Sweden');
  await expect(page.getByTestId('overview')).toContainText('AS29518 Bredband2 AB');
  await rows.first().click();
  const detail = page.getByTestId('detail');
  await expect(detail).toContainText('Linköping, Sweden');
  await expect(detail).toContainText('AS29518 Bredband2 AB');
  await expect(detail).toContainText('aws-cli 2.17.60');
  await page.screenshot({ path: join(SHOTS, '31-geoip-alert-detail.png') });

  // A reload: the databases are still kept, and the workers get them again.
  await page.reload();
  await page.getByRole('tab', { name: /Rules/ }).click();
  await expect(panel.getByTestId('geoip-database')).toHaveCount(2);
  await scan();
  await expect(rows).toHaveCount(1);

  // Removing the ASN database: the rule cannot match any more, and the panel says why.
  await page.getByRole('tab', { name: /Rules/ }).click();
  await panel.getByRole('button', { name: 'Remove GeoLite2-ASN-Test.mmdb' }).click();
  await expect(panel.getByTestId('geoip-database')).toHaveCount(1);
  await expect(panel.getByTestId('geoip-needs')).toContainText('1 rule needs an ASN database');
  await page.screenshot({ path: join(SHOTS, '32-geoip-needs.png') });
  await page.getByTestId('rescan').click();
  await scanDone(page);
  await page.getByRole('tab', { name: /Alerts/ }).click();
  await expect(rows).toHaveCount(0);

  // A database dropped on the page with the logs is kept, not scanned.
  await dropNamed(page, [
    { name: 'GeoLite2-ASN-Test.mmdb', path: join(GEOIP, 'GeoLite2-ASN-Test.mmdb') },
  ]);
  await page.getByRole('tab', { name: /Rules/ }).click();
  await expect(panel.getByTestId('geoip-database')).toHaveCount(2);
  await expect(panel.getByTestId('geoip-needs')).toHaveCount(0);
  await page.getByRole('tab', { name: /Files/ }).click();
  await expect(page.getByTestId('files')).not.toContainText('GeoLite2-ASN-Test.mmdb');

  expect(requests.offOrigin()).toEqual([]);
  expect(errors).toEqual([]);
});
