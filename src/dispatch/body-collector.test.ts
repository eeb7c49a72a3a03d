import { describe, expect, it } from 'vitest';
import { createBodyCollector, SHARED_FROM_BYTES } from './body-collector.ts';

const bytes = (length: number, seed = 0): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed) % 251));
const chunksOf = (body: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(body.length / size) }, (_, i) => body.subarray(i * size, (i + 1) * size));

describe('createBodyCollector', () => {
  it('gathers a large declared body into shared memory, byte for byte, so a worker reads it without a copy', () => {
    const body = bytes(250 * 1024);
    const collector = createBodyCollector(1024 * 1024, String(body.length));
    for (const chunk of chunksOf(body, 16_384)) expect(collector.add(chunk)).toBe(true);
    const collected = collector.bytes();
    expect(collected.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(collected.equals(body)).toBe(true);
  });

  it('gathers a large chunked body (no length declared) into shared memory too', () => {
    const body = bytes(100 * 1024, 7);
    const collector = createBodyCollector(1024 * 1024);
    for (const chunk of chunksOf(body, 10_000)) collector.add(chunk);
    const collected = collector.bytes();
    expect(collected.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(collected.equals(body)).toBe(true);
  });

  it('keeps a small body in ordinary memory (comparing it stays on the loop)', () => {
    const body = bytes(SHARED_FROM_BYTES - 1);
    const collector = createBodyCollector(1024 * 1024, String(body.length));
    for (const chunk of chunksOf(body, 1000)) collector.add(chunk);
    const collected = collector.bytes();
    expect(collected.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(collected.equals(body)).toBe(true);
  });

  it('returns the bytes that came when fewer than declared arrived, and nothing for a HEAD answer', () => {
    const short = createBodyCollector(1024 * 1024, String(64 * 1024));
    short.add(bytes(20_000));
    expect(short.bytes().equals(bytes(20_000))).toBe(true);
    expect(createBodyCollector(1024 * 1024, String(64 * 1024)).bytes()).toHaveLength(0);
  });

  it('keeps every byte when more arrives than declared', () => {
    const body = bytes(40_000, 3);
    const collector = createBodyCollector(1024 * 1024, String(SHARED_FROM_BYTES));
    for (const chunk of chunksOf(body, 8192)) collector.add(chunk);
    expect(collector.bytes().equals(body)).toBe(true);
  });

  it('refuses every chunk once the body passes the cap', () => {
    const collector = createBodyCollector(50_000, undefined);
    expect(collector.add(bytes(30_000))).toBe(true);
    expect(collector.add(bytes(30_000))).toBe(false);
    expect(collector.add(bytes(1))).toBe(false);
  });
});
