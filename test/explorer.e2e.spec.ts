import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { issueToken, loadOrCreateSigningKey } from '@ml/auth';
import { ensureBuilt, exitOf, startServer, type ServerProcess } from './support/server-process.js';

/**
 * The GraphQL explorer as a person uses it: Debian's Chromium, headless, opens /graphql of
 * the started server. .ci/run installs Chromium; elsewhere this needs it installed.
 */
const chromium = '/usr/bin/chromium';
const hasChromium = existsSync(chromium);
if (!hasChromium && !process.env.CI)
  console.warn(`${chromium} is not installed: the explorer is not tried in a browser here`);
const artifacts = join(import.meta.dirname, 'artifacts');
const main = join(import.meta.dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

const MASTERPLAN_QUERY =
  '{ masterplan(id: "aachen") { title themeFields { name measures { title kind status } } } }';

describe('the GraphQL explorer', () => {
  let dir: string;
  let server: ServerProcess;
  let admin: string;

  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-explorer-'));
    server = await startServer({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
    admin = await issueToken(await loadOrCreateSigningKey(dir), {
      userId: 'fb02.wolf',
      roles: ['administrator'],
    });
    await gql(
      `mutation($i: InitiateMasterplanInput!) { initiateMasterplan(input: $i) { version } }`,
      {
        i: {
          masterplanId: 'aachen',
          title: 'Masterplan Industrieregion Aachen 2020',
          region: 'Region Aachen',
          motion: {
            reference: 'Ratsantrag SPD',
            title: 'Industrieregion Aachen',
            filedBy: 'SPD-Fraktion',
            filedOn: '2012-11-20',
          },
          resolution: {
            reference: 'AWW 2013-03-12',
            body: 'Ausschuss für Arbeit, Wirtschaft und Wissenschaft',
            decidedOn: '2013-03-12',
          },
        },
      },
      admin,
    );
    await gql(
      `mutation($i: DefineThemeFieldInput!) { defineThemeField(input: $i) { version } }`,
      {
        i: {
          masterplanId: 'aachen',
          themeFieldId: 'fachkraefte',
          name: 'Fachkräfte',
          description: 'Skilled workers',
        },
      },
      admin,
    );
    await gql(
      `mutation($i: DefineMeasureInput!) { defineMeasure(input: $i) { version } }`,
      {
        i: {
          measureId: 'ausbildung',
          masterplanId: 'aachen',
          themeFieldId: 'fachkraefte',
          title: 'Ausbildungsoffensive',
          description: 'More apprenticeships',
          kind: 'QUICK_WIN',
        },
      },
      admin,
    );
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await exitOf(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, accept: string) =>
    fetch(`${server.url}${path}`, { headers: { accept } });
  const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it('answers a browser opening /graphql with its page, under its own content policy', async () => {
    const page = await get('/graphql', BROWSER_ACCEPT);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(await page.text()).toContain('<script type="module" nonce="" src="start.js">');
    const script = await get('/graphql/explorer/main.js', '*/*');
    expect([script.status, script.headers.get('content-type')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
    // Altair's frame for request scripts may be framed by the page, and runs no code from text.
    const frame = await get('/graphql/explorer/iframe-sandbox/index.html', BROWSER_ACCEPT);
    expect(frame.headers.get('content-security-policy')).toBe(
      policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    );
    for (const path of ['/graphql/explorer/index.html', '/graphql/explorer/%2e%2e/package.json'])
      expect((await get(path, '*/*')).status).toBe(404);
  });

  it('leaves GraphQL over HTTP as it was: queries in the URL answered, mutations over GET refused', async () => {
    const query = await get(`/graphql?query=${encodeURIComponent('{ health { status } }')}`, '*/*');
    expect(await query.json()).toEqual({ data: { health: { status: 'ok' } } });
    expect(query.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    const mutation = `mutation { defineThemeField(input: { masterplanId: "aachen", themeFieldId: "x", name: "X", description: "d" }) { version } }`;
    const refused = await get(`/graphql?query=${encodeURIComponent(mutation)}`, '*/*');
    expect(refused.status).toBe(405);
    expect(await refused.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_REQUEST' } }],
    });
    // A client asking for JSON without a query gets the same refusal as before.
    expect((await get('/graphql', 'application/graphql-response+json')).status).toBe(400);
  });

  it('is off with GRAPHQL_EXPLORER=off, and a bad value stops the start with one line', async () => {
    ensureBuilt();
    const off = await startServer({ DATA_DIR: join(dir, 'off'), GRAPHQL_EXPLORER: 'off' });
    try {
      const page = await fetch(`${off.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
      expect(page.status).toBe(400);
      expect((await fetch(`${off.url}/graphql/explorer/main.js`)).status).toBe(404);
    } finally {
      off.child.kill('SIGTERM');
      await exitOf(off.child);
    }
    const bad = spawnSync(process.execPath, [main], {
      env: { ...process.env, PORT: '0', DATA_DIR: join(dir, 'bad'), GRAPHQL_EXPLORER: 'maybe' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe("Cannot start: GRAPHQL_EXPLORER must be on or off, not 'maybe'");
  });

  (hasChromium || process.env.CI ? describe : describe.skip)('in Chromium', () => {
    let browser: Browser;
    let page: Page;
    const requests: Array<{ url: string; authorization?: string; body?: string }> = [];
    const sockets: string[] = [];
    const subscribed: string[] = [];

    beforeAll(async () => {
      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${mkdtempSync(join(dir, 'chromium-'))}`,
        ],
      });
      page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      page.on('request', (request) =>
        requests.push({
          url: request.url(),
          authorization: request.headers().authorization,
          body: request.postData(),
        }),
      );
      const cdp = await page.createCDPSession();
      await cdp.send('Network.enable');
      cdp.on('Network.webSocketCreated', (event) => sockets.push(event.url));
      cdp.on('Network.webSocketFrameSent', (event) => subscribed.push(event.response.payloadData));
      // What the content policy blocked would never show up as a request: counted here.
      // (Code that runs in the page is given as text: this project's types know no DOM.)
      await page.evaluateOnNewDocument(`
        window.blocked = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          window.blocked.push(event.violatedDirective + ' ' + event.blockedURI + ' ' + event.sourceFile));
      `);
      await page.goto(`${server.url}/graphql`, { waitUntil: 'networkidle0' });
    }, 60_000);
    afterAll(() => browser?.close());

    /** Replaces the query editor's document, as pasting would. */
    const writeQuery = async (text: string) => {
      await page.locator('.ant-tabs-tab-btn ::-p-text(Query)').click();
      await page.locator('app-query-editor .cm-content').click();
      await page.keyboard.down('Control');
      await page.keyboard.press('a');
      await page.keyboard.up('Control');
      await page.keyboard.sendCharacter(text);
    };
    const answerContaining = async (text: string) => {
      const shown = await page.waitForFunction(
        `document.querySelector('app-query-result .cm-content')?.innerText.includes(${JSON.stringify(text)})
          && document.querySelector('app-query-result .cm-content').innerText`,
        { timeout: 15_000 },
      );
      return JSON.parse((await shown.jsonValue()) as string) as unknown;
    };
    const screenshot = async (name: string) => {
      mkdirSync(artifacts, { recursive: true });
      const path = join(artifacts, name);
      await page.screenshot({ path });
      console.log(`explorer screenshot: ${path}`);
    };

    it('takes a token, shows the schema’s docs with it, and runs the masterplan query', async () => {
      await page.locator('.ant-tabs-tab-btn ::-p-text(Auth)').click();
      await page.locator('#token .cm-content').click();
      await page.keyboard.sendCharacter(admin);
      // Reading the schema needs a token here (GRAPHQL_INTROSPECTION=authenticated).
      await page.locator('[track-id=reload_docs]').click();
      await page.locator('[track-id=show_docs]').click();
      await page.locator('app-doc-viewer ::-p-text(Query)').click();
      await page.locator('app-doc-viewer ::-p-text(A masterplan now, or as it stood)').wait();

      await writeQuery(MASTERPLAN_QUERY);
      await page.locator('[track-id=set_request]').click();
      expect(await answerContaining('Ausbildungsoffensive')).toEqual({
        data: {
          masterplan: {
            title: 'Masterplan Industrieregion Aachen 2020',
            themeFields: [
              {
                name: 'Fachkräfte',
                measures: [{ title: 'Ausbildungsoffensive', kind: 'QUICK_WIN', status: 'OPEN' }],
              },
            ],
          },
        },
      });
      await screenshot('explorer-masterplan.png');
      const sent = requests.find((r) => r.body?.includes('masterplan(id: \\"aachen\\")'));
      expect(sent?.authorization).toBe(`Bearer ${admin}`);
    }, 60_000);

    it('follows a subscription over the same path', async () => {
      await writeQuery(
        'subscription { masterplanChanged(id: "aachen") { eventType summary masterplan { title } } }',
      );
      await page.locator('[track-id=set_request]').click();
      // The change is made once the page has subscribed, as a change by someone else would be.
      for (let i = 0; !subscribed.some((frame) => frame.includes('masterplanChanged')); i++) {
        if (i === 100) throw new Error('The page never subscribed');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await gql(
        `mutation($i: DefineMeasureInput!) { defineMeasure(input: $i) { version } }`,
        {
          i: {
            measureId: 'weiterbildung',
            masterplanId: 'aachen',
            themeFieldId: 'fachkraefte',
            title: 'Weiterbildungsverbund',
            description: 'Training together',
            kind: 'STANDARD',
          },
        },
        admin,
      );
      expect(await answerContaining('MeasureDefined')).toEqual({
        data: {
          masterplanChanged: {
            eventType: 'MeasureDefined',
            summary: "An administrator defined standard measure 'Weiterbildungsverbund'",
            masterplan: { title: 'Masterplan Industrieregion Aachen 2020' },
          },
        },
      });
      await screenshot('explorer-subscription.png');
      expect(sockets).toEqual([`${server.url.replace(/^http/, 'ws')}/graphql`]);
    }, 60_000);

    it('asked nothing of anyone but this server, and its content policy blocked no resource', async () => {
      const elsewhere = requests.filter(
        (r) => !r.url.startsWith(`${server.url}/`) && !r.url.startsWith('data:'),
      );
      expect(elsewhere).toEqual([]);
      // Zod, inside Altair, tries whether it may compile its parsers (new Function) and goes on
      // without: the policy refuses that, and nothing else.
      const blocked = (await page.evaluate('window.blocked')) as string[];
      expect(blocked.filter((entry) => !entry.startsWith('script-src eval '))).toEqual([]);
      // The watch itself works: a request to another origin (another loopback address) is
      // refused by the policy and seen here, and never leaves the page.
      await page.evaluate(`fetch('http://127.0.0.2:9/elsewhere').catch(() => undefined)`);
      await page.waitForFunction(`window.blocked.some((entry) => entry.includes('/elsewhere'))`);
      expect(await page.evaluate('window.blocked.at(-1)')).toMatch(
        /^connect-src http:\/\/127\.0\.0\.2:9\/elsewhere /,
      );
      expect(requests.filter((r) => r.url.includes('/elsewhere'))).toEqual([]);
    });
  });
});
