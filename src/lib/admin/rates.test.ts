import { describe, expect, it } from 'vitest';
import { levelOf, rateOf, sendRates, THRESHOLDS } from './rates.ts';

describe('send rates against the providers’ thresholds', () => {
  it('complaints: under 0.1 % is fine, from 0.1 % a warning, from 0.3 % flagged', () => {
    expect(rateOf('complained', 0, 10_000).level).toBe('ok');
    expect(rateOf('complained', 9, 10_000).level).toBe('ok');
    expect(rateOf('complained', 10, 10_000).level).toBe('warn');
    expect(rateOf('complained', 29, 10_000).level).toBe('warn');
    expect(rateOf('complained', 30, 10_000)).toMatchObject({ level: 'bad', rate: 0.003 });
  });

  it('a send with nothing sent yet has no rate and raises nothing', () => {
    expect(rateOf('bounced', 0, 0)).toMatchObject({ rate: undefined, level: 'ok' });
    expect(levelOf(undefined, THRESHOLDS.complained)).toBe('ok');
  });

  it('judges a send by its worst rate; failures are counted against the recipients', () => {
    const healthy = sendRates({ recipients: 1000, sent: 1000, failed: 0, bounced: 5, complained: 0, unsubscribed: 2 });
    expect(healthy.level).toBe('ok');
    const complained = sendRates({ recipients: 1000, sent: 1000, failed: 0, bounced: 5, complained: 4, unsubscribed: 2 });
    expect(complained.level).toBe('bad');
    const half = sendRates({ recipients: 1000, sent: 500, failed: 0, bounced: 25, complained: 0, unsubscribed: 0 });
    expect(half.rates.find((r) => r.name === 'bounced')).toMatchObject({ rate: 0.05, level: 'bad' });
    const failing = sendRates({ recipients: 1000, sent: 900, failed: 100, bounced: 0, complained: 0, unsubscribed: 0 });
    expect(failing.rates.find((r) => r.name === 'failed')).toMatchObject({ rate: 0.1, level: 'bad' });
  });

  it('unsubscribes warn but never alarm: there is no provider limit', () => {
    expect(rateOf('unsubscribed', 500, 1000).level).toBe('warn');
  });
});
