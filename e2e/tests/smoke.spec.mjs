import { test, expect } from '@playwright/test';

test('loads and shows the drop zone', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => errors.push(m.type() + ' ' + m.text()));
  page.on('worker', (w) => { errors.push('worker ' + w.url()); w.on('console', (m) => errors.push('W ' + m.type() + ' ' + m.text())); });
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
  await expect(page.getByTestId('scan-status')).toHaveAttribute('data-state', 'idle');
  await page.screenshot({ path: '../test-output/smoke-idle.png', fullPage: true });
  await page.getByTestId('sample').click();
  await page.waitForTimeout(3000);
  console.log(errors.join('\n'));
  await page.screenshot({ path: '../test-output/smoke-sample.png', fullPage: true });
});
