/**
 * The HTML viewer in a real browser: Debian's `chromium`, driven by
 * playwright-core (which never downloads a browser; it is given the system's
 * executable). It loads the page of the 2019 deadlock (every class), checks
 * that it renders without console errors, that the lanes and the cycle are
 * there, that keyboard stepping, clicking and the tabs work, and saves a
 * screenshot as a test artefact: `test-artifacts/viewer-2019-deadlock.png`
 * (or under $GFPCHECK_ARTIFACTS); docs/images/viewer-2019-deadlock.png is a
 * copy of it (GFPCHECK_UPDATE_DOCS_IMAGES=1 writes it there too).
 *
 * The browser is looked for at $GFPCHECK_CHROMIUM, then /usr/bin/chromium,
 * /usr/bin/chromium-browser, /usr/bin/google-chrome. When none exists the
 * tests are skipped with a message saying so (.ci/run installs chromium).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelHtmlRenderer } from '../../specs/report/pictures';
import { STACK_2019, stackReport } from './pictureReports';

jest.setTimeout(180_000);

const REPO = path.resolve(__dirname, '..', '..');
const CANDIDATES = [process.env.GFPCHECK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
const executable = CANDIDATES.find((p) => fs.existsSync(p));
const ARTIFACTS = process.env.GFPCHECK_ARTIFACTS ?? path.join(REPO, 'test-artifacts');
const SHOT = 'viewer-2019-deadlock.png';

type Playwright = typeof import('playwright-core');
type Browser = Awaited<ReturnType<Playwright['chromium']['launch']>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

if (!executable) {
  // never silently: say what is missing and how to get it
  console.warn(
    `SKIPPED: the browser test of the HTML viewer needs Chromium, and none was found (looked at ${CANDIDATES.join(', ')}). ` +
      'Install it with `apt-get install -y chromium` (as .ci/run does) or set GFPCHECK_CHROMIUM to a Chromium executable.',
  );
}
const describeIfBrowser = executable ? describe : describe.skip;

describeIfBrowser(`the HTML viewer of the 2019 deadlock in Chromium (${executable ?? 'none'})`, () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    const { chromium } = (await import('playwright-core')) as Playwright;
    browser = await chromium.launch({ executablePath: executable, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
    // nothing may be fetched: every request other than the page itself fails the test
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) errors.push(`request: ${r.url()}`);
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-viewer-'));
    const file = path.join(dir, 'report-2019.html');
    fs.writeFileSync(file, kernelHtmlRenderer.render(report));
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await browser?.close();
  });

  // The page opens on the first (shortest) class; since tcmu_cmdr_lock is on by default that is T5, and the tests
  // below look at the reported deadlock, R1, by selecting its tab.
  const report = stackReport(STACK_2019);
  const r1 = report.violations.findIndex((v) => v.class === 'tcmu-runner@xfs_buf_iowait') + 1;
  const cycleTasks = (i: number) => report.violations[i].class!.split(' + ').length;
  const title = () => page.locator('section.violation.active .details h3.step-title').textContent();

  it('should render without console errors or network requests, with a lane per task and the cycle highlighted', async () => {
    expect(await page.locator('section.violation').count()).toBe(10);
    expect(await page.locator('section.violation.active').getAttribute('id')).toBe('v1');
    expect(r1).toBeGreaterThan(1);
    await page.locator('nav.tabs button').nth(r1 - 1).click();
    expect(await page.locator('section.violation.active').getAttribute('id')).toBe(`v${r1}`);
    const active = page.locator('section.violation.active');
    expect(await active.locator('svg.seq g.lane').count()).toBe(9);
    expect(await active.locator('svg.seq g.lane.cycle').getAttribute('data-lane')).toBe('tcmu-runner');
    expect(await active.locator('svg.seq .cycle-edge').count()).toBe(1);
    expect(await active.locator('svg.seq rect.wait.closing').isVisible()).toBe(true);
    const box = await active.locator('svg.seq').boundingBox();
    expect(box!.width).toBeGreaterThan(1000);
    expect(box!.height).toBeGreaterThan(500);
    expect(errors).toEqual([]);
  });

  it('should step with the keyboard and show the state diff and every task with its backtrace', async () => {
    expect(await title()).toBe('Initial state');
    await page.keyboard.press('j');
    expect(await title()).toBe('Step 1: writer/0: sys_pwrite');
    expect(await page.locator('section.violation.active g.row.selected').getAttribute('data-step')).toBe('1');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await title()).toBe('Step 1: writer/0: sys_pwrite');
    await page.keyboard.press('End');
    expect(await title()).toMatch(/^Step 19: /);
    const lanes = page.locator('section.violation.active .details .lane-state');
    expect(await lanes.count()).toBe(8);
    const runner = page.locator('section.violation.active .details .lane-state[data-lane="tcmu-runner"]');
    expect(await runner.getAttribute('class')).toContain('blocked');
    expect(await runner.locator('pre.backtrace').textContent()).toContain('__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_WRITE]');
    expect(errors).toEqual([]);
  });

  it('should select a step by clicking its row, and show what it changed', async () => {
    await page.locator('section.violation.active g.event[data-step="16"]').click();
    expect(await title()).toBe('Step 16: tcmu-runner: __alloc_pages_slowpath (LRU frees a clean ext4 page)');
    const diff = await page.locator('section.violation.active .details ul.diff').textContent();
    expect(diff).toContain('tasks[5].stack = ');
    expect(diff).toContain('xfs_buf_iowait');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, SHOT);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
    if (process.env.GFPCHECK_UPDATE_DOCS_IMAGES === '1') fs.copyFileSync(shot, path.join(REPO, 'docs', 'images', SHOT));
    console.log(`screenshot of the viewer: ${shot}`);
    expect(errors).toEqual([]);
  });

  it('should change tab with ] and [ and by clicking, one per deadlock class', async () => {
    await page.locator('nav.tabs button').nth(0).click();
    expect(await page.locator('section.violation.active').getAttribute('id')).toBe('v1');
    await page.keyboard.press(']');
    expect(await page.locator('section.violation.active').getAttribute('id')).toBe('v2');
    expect(await page.locator('nav.tabs button[aria-selected="true"]').textContent()).toMatch(/^2\. deadlock /);
    expect(await page.locator('section.violation.active svg.seq g.lane.cycle').count()).toBe(cycleTasks(1));
    await page.keyboard.press('[');
    expect(await page.locator('section.violation.active').getAttribute('id')).toBe('v1');
    await page.locator('nav.tabs button').nth(4).click();
    expect(await page.locator('section.violation.active').getAttribute('id')).toBe('v5');
    expect(await page.locator('section.violation.active svg.seq g.lane.cycle').count()).toBe(cycleTasks(4));
    expect(errors).toEqual([]);
  });
});
