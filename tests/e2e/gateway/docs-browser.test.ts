import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, TEST_ADMIN, type TestApp } from '../../helpers/app.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
let app: TestApp;

test.before(async () => {
  app = await startTestApp();
});

test.after(async () => {
  await app?.close();
});

if (!available && process.env.CI === 'true') {
  test('Chromium is required in CI for the docs page test', () => {
    assert.unreachable(`no browser at ${CHROMIUM}`);
  });
} else if (!available) {
  console.log(`skipped: /docs browser test — no Chromium at ${CHROMIUM}`);
} else {
  test('a browser renders /docs offline, authorizes with the password flow and gets a 200 from a protected call', async () => {
    // Playwright gives the browser a fresh, empty profile of its own.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const external: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(app.httpBase)) external.push(request.url());
      });
      await page.goto(`${app.httpBase}/docs`);
      await page.waitForSelector('.opblock-tag-section', { timeout: 60_000 });
      const tags = await page.locator('.opblock-tag').allTextContents();
      for (const service of [
        'AuthService',
        'DeviceService',
        'RegistryService',
        'AnalyticsService',
        'SystemService',
      ]) {
        assert.ok(
          tags.some((tag) => tag.includes(service)),
          `${service} in ${tags.join(', ')}`,
        );
      }
      assert.ok(await page.locator('button.authorize').isVisible(), 'the Authorize button');

      // Authorize with the OAuth2 password flow against the real token endpoint.
      await page.locator('button.authorize').first().click();
      const dialog = page.locator('.dialog-ux');
      const oauth = dialog.locator('.auth-container', { hasText: 'oauth2' }).first();
      await oauth.locator('input#oauth_username').fill(TEST_ADMIN.username);
      await oauth.locator('input#oauth_password').fill(TEST_ADMIN.password);
      const [tokenResponse] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url().endsWith('/api/v1/auth/token'), {
          timeout: 60_000,
        }),
        oauth.locator('button.authorize').click(),
      ]);
      assert.is(tokenResponse.status(), 200, await tokenResponse.text());
      // Swagger UI turns the button into Logout once it holds a token.
      await oauth.locator('button', { hasText: 'Logout' }).waitFor({ timeout: 60_000 });
      await dialog.locator('button.close-modal').click();

      // A protected call now carries the token and answers 200 with the signed-in user.
      const whoAmI = async () => {
        const operation = page.locator('#operations-AuthService-AuthService_WhoAmI');
        if (!(await operation.locator('button.execute').isVisible())) {
          await operation.locator('.opblock-summary').click();
        }
        const [response] = await Promise.all([
          page.waitForResponse((candidate) => candidate.url().endsWith('/api/v1/auth/whoami'), {
            timeout: 60_000,
          }),
          operation.locator('button.execute').click({ timeout: 60_000 }),
        ]);
        await operation.locator('.live-responses-table .response-col_status').first().waitFor();
        return { response, shown: (await operation.locator('.live-responses-table').textContent()) ?? '' };
      };
      const first = await whoAmI();
      assert.is(first.response.status(), 200, await first.response.text());
      assert.match(first.shown, '200');
      assert.match(first.shown, 'users/admin');
      assert.match(first.response.request().headers().authorization ?? '', /^Bearer /);

      // persistAuthorization: after a reload the page is still signed in.
      await page.reload();
      await page.waitForSelector('.opblock-tag-section', { timeout: 60_000 });
      const again = await whoAmI();
      assert.is(again.response.status(), 200, 'still authorized after a reload');
      assert.equal(external, [], 'no request left the box');
    } finally {
      await browser.close();
    }
  });
}

test.run();
