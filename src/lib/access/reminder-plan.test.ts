import { describe, expect, it } from 'vitest';
import { reminderDue } from './reminder-plan.ts';

const DAY = 86_400_000;
const deadline = Date.UTC(2027, 2, 26, 17);
const boughtEarly = { accessUntil: deadline, purchasedAt: deadline - 60 * DAY };

describe('reminderDue', () => {
  it('is nothing until 7 days before', () => {
    expect(reminderDue(boughtEarly, deadline - 7 * DAY - 1)).toBeUndefined();
  });
  it('is 7d from 7 days before until the last day', () => {
    expect(reminderDue(boughtEarly, deadline - 7 * DAY)).toBe('7d');
    expect(reminderDue(boughtEarly, deadline - DAY - 1)).toBe('7d');
  });
  it('is 1d in the last 24 hours, nothing after the deadline', () => {
    expect(reminderDue(boughtEarly, deadline - DAY)).toBe('1d');
    expect(reminderDue(boughtEarly, deadline - 1)).toBe('1d');
    expect(reminderDue(boughtEarly, deadline)).toBeUndefined();
  });
  it('skips the window the buyer bought in', () => {
    const late = { accessUntil: deadline, purchasedAt: deadline - 3 * DAY };
    expect(reminderDue(late, deadline - 2 * DAY)).toBeUndefined();
    expect(reminderDue(late, deadline - 2 * 3600_000)).toBe('1d');
  });
});
