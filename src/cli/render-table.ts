// Terminal output: aligned tables and a little colour on a TTY, plain tab-free text when piped
// (so `ficus routes | grep` and scripts see stable columns without escape codes).
export interface Style {
  readonly colour: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(style: Style, colour: Colour, text: string): string {
  return style.colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

// eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI, '').length;

/** Columns aligned by visible width; `right` names columns aligned right (numbers). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], style: Style, right: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => {
      const pad = ' '.repeat(widths[i]! - visibleLength(cell));
      return right.has(i) ? pad + cell : i === cells.length - 1 ? cell : cell + pad;
    }).join('  ');
  return [paint(style, 'bold', line(header)), ...rows.map(line)].join('\n') + '\n';
}

export function modeColour(mode: string): Colour {
  return mode === 'new' ? 'green' : mode === 'canary' ? 'yellow' : mode === 'shadow' ? 'magenta' : 'dim';
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${value < 10 ? value.toFixed(1) : Math.round(value)}ms`;
}
