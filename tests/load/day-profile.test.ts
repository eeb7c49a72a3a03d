// The clinical day the load scripts generate, checked as data (load/lib/day.ts is pure).
import { describe, expect, it } from 'vitest';
import { CLINICAL_DAY, dayWriteShare, phaseMix, pickWeighted } from '../../load/lib/day.ts';
import { admissionMessage, encodeLatin1 } from '../../load/lib/payloads.ts';
import { dayStages } from '../../load/lib/schedule.ts';
import { parseServerTiming } from '../../load/lib/server-timing.ts';

const loadAt = (hour: number): number => CLINICAL_DAY.find((h) => h.hour === hour)?.load ?? Number.NaN;

describe('the clinical day', () => {
  it('covers 24 hours in order', () => {
    expect(CLINICAL_DAY.map((h) => h.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('runs nights at about a third of daytime and peaks at the 07:00 shift change', () => {
    expect(loadAt(3)).toBeGreaterThanOrEqual(0.25);
    expect(loadAt(3)).toBeLessThanOrEqual(0.4);
    expect(loadAt(7)).toBe(Math.max(...CLINICAL_DAY.map((h) => h.load)));
    expect(loadAt(9)).toBeCloseTo(1.8);
  });

  it('is about 70/30 reads to writes over the day', () => {
    expect(dayWriteShare()).toBeGreaterThan(0.25);
    expect(dayWriteShare()).toBeLessThan(0.35);
  });

  it('makes the medication pass about 40% writes and rounds read-heavy', () => {
    expect(phaseMix('med-pass').writeShare).toBeGreaterThan(0.35);
    expect(phaseMix('med-pass').writeShare).toBeLessThan(0.45);
    expect(phaseMix('rounds').writeShare).toBeLessThan(0.2);
  });

  it('gives k6 whole-number stages, two per clinical hour', () => {
    const stages = dayStages(20, 30);
    expect(stages).toHaveLength(48);
    for (const stage of stages) expect(Number.isInteger(stage.target)).toBe(true);
  });
});

describe('load helpers', () => {
  it('picks by weight', () => {
    expect(pickWeighted({ a: 1, b: 3 }, 0.2)).toBe('a');
    expect(pickWeighted({ a: 1, b: 3 }, 0.3)).toBe('b');
  });

  it('reads upstream duration and mode from Server-Timing', () => {
    expect(parseServerTiming('upstream;dur=3.25, ficus;desc=shadow')).toEqual({ upstreamMs: 3.25, mode: 'shadow' });
    expect(parseServerTiming('ficus;desc="canary"')).toEqual({ upstreamMs: undefined, mode: 'canary' });
    expect(parseServerTiming(undefined)).toEqual({ upstreamMs: undefined, mode: 'unknown' });
  });

  it('sends HL7 admissions as ISO-8859-1 with \\r segment separators', () => {
    const message = admissionMessage('pat-0001', new Date('2026-01-02T03:04:05Z'));
    expect(message.split('\r')[0]).toMatch(/^MSH\|\^~\\&\|/);
    expect(message).not.toContain('\n');
    const bytes = new Uint8Array(encodeLatin1(message));
    expect(bytes).toContain(0xfc); // ü as one Latin-1 byte, not UTF-8's two
    expect(bytes.length).toBe(message.length);
  });
});
