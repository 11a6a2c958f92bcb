import { describe, expect, it } from 'vitest';
import { firstValue, parseUsageTime, usagePeriod, wantsDetail } from './usage-period.js';

const us = (iso: string) => Date.parse(iso) * 1000;

describe('usage-period', () => {
  // Each row was checked against oslo_utils.timeutils.parse_strtime with Nova's three formats.
  it.each([
    ['2026-11-22T10:00:00', '2026-11-22T10:00:00.000000', us('2026-11-22T10:00:00Z')],
    ['2026-11-22T10:00:00.5', '2026-11-22T10:00:00.500000', us('2026-11-22T10:00:00.500Z')],
    ['2026-11-22T10:00:00.123456', '2026-11-22T10:00:00.123456', us('2026-11-22T10:00:00.123Z') + 456],
    ['2026-11-22 10:00:00.25', '2026-11-22T10:00:00.250000', us('2026-11-22T10:00:00.250Z')],
    ['2026-11-22 \t10:00:00.0', '2026-11-22T10:00:00.000000', us('2026-11-22T10:00:00Z')],
    ['2026-1-5T1:2:3', '2026-01-05T01:02:03.000000', us('2026-01-05T01:02:03Z')],
    ['2026-01- 5t01:02:03', '2026-01-05T01:02:03.000000', us('2026-01-05T01:02:03Z')],
    ['2024-02-29T00:00:00', '2024-02-29T00:00:00.000000', us('2024-02-29T00:00:00Z')],
    ['0099-01-01T00:00:00', '99-01-01T00:00:00.000000', us('0099-01-01T00:00:00Z')],
  ])('reads %j as strptime does', (text, printed, micros) => {
    expect(parseUsageTime(text)).toEqual({ text: printed, us: micros });
  });

  it.each([
    '2026-11-22',
    '2026-11-22T10:00:00Z',
    '2026-11-22T10:00:00+00:00',
    '2026-11-22 10:00:00',
    '2026-11-22T10:00:00.1234567',
    '2026-11-22T24:00:00',
    '2026-11-22T10:00:60',
    '2026-02-30T00:00:00',
    '2025-02-29T00:00:00',
    '0000-01-01T00:00:00',
    ' 2026-11-22T10:00:00',
    '2026-11-22T10:00:00 ',
    'yesterday',
  ])("refuses %j with Nova's message", (text) => {
    expect(() => parseUsageTime(text)).toThrow('Invalid datetime string: Datetime is in invalid format');
  });

  const now = new Date('2026-11-22T12:00:00.250Z');

  it('cuts the end to now and keeps a start in the past', () => {
    const p = usagePeriod({ start: '2026-11-01T00:00:00', end: '2027-01-01T00:00:00' }, now);
    expect(p.start.text).toBe('2026-11-01T00:00:00.000000');
    expect(p.stop).toEqual({ us: now.getTime() * 1000, text: '2026-11-22T12:00:00.250000' });
  });

  it('makes a missing bound now; with neither, the period is empty rather than an error', () => {
    expect(usagePeriod({ start: '2026-11-22T11:00:00' }, now).stop.text).toBe('2026-11-22T12:00:00.250000');
    const both = usagePeriod({}, now);
    expect(both.start).toEqual(both.stop);
    expect(() => usagePeriod({ end: '2026-11-22T11:00:00' }, now)).toThrow(
      'Invalid start time. The start time cannot occur after the end time.',
    );
  });

  it('refuses a start equal to or after the end', () => {
    for (const [start, end] of [
      ['2026-11-02T00:00:00', '2026-11-01T00:00:00'],
      ['2026-11-01T00:00:00', '2026-11-01T00:00:00.000000'],
    ])
      expect(() => usagePeriod({ start, end }, now)).toThrow(
        'Invalid start time. The start time cannot occur after the end time.',
      );
  });

  it('reads the first non-blank value of a repeated parameter, and detailed only as 1', () => {
    expect(firstValue(['', '2026-11-01T00:00:00', 'x'])).toBe('2026-11-01T00:00:00');
    expect(firstValue('')).toBeUndefined();
    expect(wantsDetail({ detailed: '1' })).toBe(true);
    expect(wantsDetail({ detailed: ['1', '0'] })).toBe(true);
    for (const detailed of ['true', '01', '0', undefined]) expect(wantsDetail({ detailed })).toBe(false);
  });
});
