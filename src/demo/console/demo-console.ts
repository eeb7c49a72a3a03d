// The demo's terminal: the banner and warnings as ordinary lines, and one status line that is
// rewritten in place on a TTY (carriage return + erase line) so traffic never scrolls the banner
// away. Not a TTY (piped, CI, `npm start > file`): status lines are printed as plain lines, since
// escape codes would only garble a log file.

export interface DemoConsole {
  /** A line that stays (banner, warnings); the status line is redrawn below it. */
  printLine(text: string): void;
  /** Replaces the status line (TTY) or prints it as a line of its own (not a TTY). */
  setStatus(text: string): void;
  /** Leaves the status line on screen and moves below it. */
  stop(): void;
}

export interface DemoConsoleOptions {
  readonly out: { write(text: string): unknown };
  readonly isTTY: boolean;
  /** Terminal width, to keep the status line on one row (an overflowing line cannot be erased). */
  readonly columns?: () => number | undefined;
}

const ERASE_LINE = '\r\x1b[2K';

export function createDemoConsole({ out, isTTY, columns }: DemoConsoleOptions): DemoConsole {
  let status = '';
  const fit = (text: string) => {
    const width = columns?.() ?? 0;
    return width > 1 && text.length >= width ? `${text.slice(0, width - 2)}…` : text;
  };
  return {
    printLine(text) {
      if (isTTY && status) out.write(`${ERASE_LINE}${text}\n${status}`);
      else out.write(`${text}\n`);
    },
    setStatus(text) {
      if (!isTTY) {
        out.write(`${text}\n`);
        return;
      }
      status = fit(text);
      out.write(`${ERASE_LINE}${status}`);
    },
    stop() {
      if (isTTY && status) out.write('\n');
      status = '';
    },
  };
}
