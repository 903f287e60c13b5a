// The captions page as a person uses it, in headless Chromium with a fake microphone that plays a real speech WAV
// in a loop: the presenter starts with an API key, the words appear (partials first where the engine makes them,
// then the final text), a second browser context opened from the share link shows the same, and after Stop the
// SRT download parses. Screenshots of both views go to SHOTS. Prints "OK ..." lines; exits non-zero on failure.
import { chromium } from 'playwright-core';
import { parseSync } from 'subtitle';
import { readFileSync } from 'node:fs';

const { GATEWAY_URL, GATEWAY_KEY, GATEWAY_WAV, EXPECT, PARTIALS, SHOTS, LABEL, CHROMIUM } = process.env;
const words = EXPECT.toLowerCase().split(' ');
const timeout = 60000;

const browser = await chromium.launch({
  executablePath: CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${GATEWAY_WAV}`],
});
const problems = [];
function watch(page, who) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${who} console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${who} page error: ${e}`));
}
const hasWords = (w) => [...document.querySelectorAll('.turn .final')]
  .some((e) => w.every((x) => e.textContent.toLowerCase().includes(x)));

try {
  const presenter = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  const page = await presenter.newPage();
  watch(page, 'presenter');
  const response = await page.goto(`${GATEWAY_URL}/captions/`);
  const csp = response.headers()['content-security-policy'] || '';
  if (!csp.includes("script-src 'self'")) throw new Error(`no strict CSP on the page: ${csp}`);
  console.log('OK page served without a credential, CSP: ' + csp);

  // A wrong key is told as such, in words, and the form stays usable (its own page: the 401 is logged there).
  const wrong = await (await browser.newContext()).newPage();
  await wrong.goto(`${GATEWAY_URL}/captions/`);
  await wrong.fill('#key', 'not-a-key');
  await wrong.click('#start');
  await wrong.waitForFunction(() => /\(401\)/.test(document.getElementById('message').textContent), null, { timeout });
  if (await wrong.isDisabled('#start')) throw new Error('the start button stays disabled after a refusal');
  console.log('OK a wrong key: ' + (await wrong.textContent('#message')));

  // Remember every partial shown, however briefly, before it is replaced by the final text.
  await page.evaluate(() => {
    window.partialsSeen = [];
    new MutationObserver(() => {
      for (const e of document.querySelectorAll('.turn .partial')) {
        if (/[a-z]/i.test(e.textContent)) window.partialsSeen.push(e.textContent.trim()); // words, not the "…"
      }
    }).observe(document.getElementById('captions'), { subtree: true, childList: true, characterData: true });
  });
  await page.fill('#key', GATEWAY_KEY);
  await page.click('#start');
  await page.waitForFunction(() => Number(document.getElementById('level').value) > 0.05, null, { timeout });
  console.log('OK the level meter moves');
  await page.waitForFunction(hasWords, words, { timeout });
  console.log(`OK presenter shows "${EXPECT}"`);
  const partials = await page.evaluate(() => window.partialsSeen);
  if (PARTIALS === 'true') {
    if (partials.length === 0) throw new Error('no partial caption was shown before the final text');
    console.log(`OK ${partials.length} partial captions shown first, e.g. "${partials[0]}"`);
  }
  const share = await page.getAttribute('#share-link', 'href');
  if (!/#session=sess_[^&]+&token=gst_/.test(share) || share.includes('?')) {
    throw new Error(`the share link does not carry its token in the fragment only: ${share}`);
  }
  if (share.includes(GATEWAY_KEY) || page.url().includes(GATEWAY_KEY)) throw new Error('the API key is in a URL');

  const audience = await browser.newContext({ viewport: { width: 1000, height: 560 } });
  const view = await audience.newPage();
  watch(view, 'viewer');
  await view.goto(share);
  await view.waitForFunction(() => document.body.classList.contains('viewer'), null, { timeout });
  await view.waitForFunction(hasWords, words, { timeout });
  console.log(`OK viewer (share link) shows "${EXPECT}"`);

  // The viewer's socket drops: it reconnects by itself, resumes after the last event it saw, and goes on showing
  // new turns, none of them twice.
  const turnsBefore = await view.evaluate(() => document.querySelectorAll('.turn.done').length);
  await view.evaluate(() => state.events.close(4000, 'test drop'));
  await view.waitForFunction(() => /resumed/.test(document.getElementById('state').textContent), null, { timeout });
  await view.waitForFunction((n) => document.querySelectorAll('.turn.done').length > n, turnsBefore, { timeout });
  const ids = await view.evaluate(() => [...document.querySelectorAll('.turn')].map((e) => e.dataset.item)
    .filter(Boolean));
  if (new Set(ids).size !== ids.length) throw new Error(`a turn shown twice after the resume: ${ids}`);
  console.log(`OK the viewer resumed after a drop (${ids.length} turns, none twice)`);
  await page.screenshot({ path: `${SHOTS}/captions-${LABEL}-presenter.png` });
  await view.screenshot({ path: `${SHOTS}/captions-${LABEL}-viewer.png` });

  // At a phone's width nothing overflows sideways.
  for (const [who, p] of [['presenter', page], ['viewer', view]]) {
    await p.setViewportSize({ width: 390, height: 760 });
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) throw new Error(`the ${who} page is ${width} px wide at a 390 px viewport`);
  }
  await page.screenshot({ path: `${SHOTS}/captions-${LABEL}-presenter-phone.png` });
  console.log('OK both views fit a 390 px wide screen');

  await page.click('#stop');
  await page.waitForSelector('#downloads:not([hidden])', { timeout });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-srt')]);
  const srt = readFileSync(await download.path(), 'utf8');
  const cues = parseSync(srt).filter((n) => n.type === 'cue');
  if (cues.length === 0) throw new Error(`the SRT download has no cue:\n${srt}`);
  if (!cues.some((c) => words.every((w) => c.data.text.toLowerCase().includes(w)))) {
    throw new Error(`no SRT cue holds "${EXPECT}":\n${srt}`);
  }
  console.log(`OK the SRT download parses: ${cues.length} cues`);
  await view.waitForFunction(() => /ended/.test(document.getElementById('state').textContent), null, { timeout });
  console.log('OK the viewer sees the session end');
  if (problems.length > 0) throw new Error(`errors in the pages:\n${problems.join('\n')}`);
  console.log('OK no console error, no CSP violation');
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  if (problems.length > 0) console.log(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
