// Memory check: 500 MB uploads and downloads streamed through Ficus must not grow its RSS by more
// than a bounded amount (bodies are streamed, buffered only up to a cap when a copy is needed).
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { rssMb } from './proc.ts';
import { MEMORY_TARGET_MB } from './report.ts';
import type { MemoryCheckRow } from './bench-run.ts';

const CHUNK = Buffer.alloc(64 * 1024, 0x62);
/** How often RSS is sampled while bytes flow: often enough to catch a transient buffer. */
const SAMPLE_EVERY_MS = 25;

function generatedBody(totalBytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= totalBytes) return void this.push(null);
      const chunk = totalBytes - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, totalBytes - sent);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/** Streams `megabytes` up (POST) or down (GET) through `url`; resolves with the bytes that arrived. */
async function transfer(url: string, direction: 'upload' | 'download', megabytes: number): Promise<number> {
  const total = megabytes * 1024 * 1024;
  const target = new URL(url);
  if (direction === 'download') target.searchParams.set('mb', String(megabytes));
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: direction === 'upload' ? 'POST' : 'GET', headers: direction === 'upload' ? { 'Content-Type': 'application/octet-stream', 'Content-Length': String(total) } : {} }, (res) => {
      let received = 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (direction === 'upload') chunks.push(chunk);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
        resolve(direction === 'upload' ? Number((JSON.parse(Buffer.concat(chunks).toString()) as { received: number }).received) : received);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (direction === 'upload') pipeline(generatedBody(total), req).catch(reject);
    else req.end();
  });
}

/** Runs one transfer while sampling the proxy's RSS; growth = peak during − before. */
export async function checkTransfer(label: string, proxyPid: number, url: string, direction: 'upload' | 'download', megabytes: number): Promise<MemoryCheckRow> {
  await delay(500); // let the proxy settle after the previous transfer
  const baselineRssMb = rssMb(proxyPid);
  let peak = baselineRssMb;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(proxyPid))), SAMPLE_EVERY_MS);
  const startedAt = process.hrtime.bigint();
  try {
    const bytes = await transfer(url, direction, megabytes);
    if (bytes !== megabytes * 1024 * 1024) throw new Error(`${bytes} bytes arrived, ${megabytes * 1024 * 1024} sent`);
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const growthMb = peak - baselineRssMb;
    return { transfer: label, megabytes, seconds, baselineRssMb, peakRssMb: peak, growthMb, ok: growthMb < MEMORY_TARGET_MB };
  } catch (error) {
    return { transfer: label, megabytes, seconds: 0, baselineRssMb, peakRssMb: peak, growthMb: peak - baselineRssMb, ok: false, error: (error as Error).message };
  } finally {
    clearInterval(sampler);
  }
}
