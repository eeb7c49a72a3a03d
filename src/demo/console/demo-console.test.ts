import { describe, expect, it } from 'vitest';
import { createDemoConsole } from './demo-console.ts';

function capture(isTTY: boolean, columns?: number) {
  let written = '';
  const demoConsole = createDemoConsole({ out: { write: (t: string) => (written += t) }, isTTY, columns: () => columns });
  return { demoConsole, written: () => written };
}

describe('the demo console', () => {
  it('rewrites the status line in place on a TTY, and keeps it under a printed line', () => {
    const { demoConsole, written } = capture(true);
    demoConsole.setStatus('1 req/s');
    demoConsole.setStatus('2 req/s');
    demoConsole.printLine('warn  something');
    expect(written()).toBe('\r\x1b[2K1 req/s\r\x1b[2K2 req/s\r\x1b[2Kwarn  something\n2 req/s');
  });

  it('prints each status as a plain line when not a TTY', () => {
    const { demoConsole, written } = capture(false);
    demoConsole.setStatus('1 req/s');
    demoConsole.printLine('banner');
    demoConsole.setStatus('2 req/s');
    demoConsole.stop();
    expect(written()).toBe('1 req/s\nbanner\n2 req/s\n');
  });

  it('cuts a status line wider than the terminal, since a wrapped line cannot be erased', () => {
    const { demoConsole, written } = capture(true, 10);
    demoConsole.setStatus('0123456789abcdef');
    expect(written()).toBe('\r\x1b[2K01234567…');
  });
});
