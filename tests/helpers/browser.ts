import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Debian's chromium: browser downloads do not work on these machines. Playwright gives every
// launch a fresh temporary profile of its own.
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // A loaded machine must not make chromium throttle the page it is testing.
      '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

export interface AxeViolation {
  id: string;
  impact: string;
  nodes: number;
}

/**
 * A context whose pages all carry axe-core. The source (570 kB) is handed to chromium once, as an
 * init script: injecting it into each page with addScriptTag took 4.6–9.3 s per page on the loaded
 * 2-core machine (0.1 s this way), and an init script is not subject to the page's CSP.
 */
export async function axeContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript({ content: axeSource });
  return context;
}

/** The page's serious and critical axe-core violations (1–3 s of axe.run under load). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.waitForFunction(() => 'axe' in window);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
