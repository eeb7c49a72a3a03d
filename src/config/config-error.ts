// One error listing every problem found in a config source, each naming its file, line and key,
// so an operator fixes a bad edit in one pass instead of one restart per mistake.

export interface ConfigProblem {
  readonly file: string;
  readonly line?: number;
  /** Dotted key path inside the file, e.g. routes[2].match.path */
  readonly key?: string;
  readonly message: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(formatProblems(problems), options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.key ? `${where}: ${p.key}: ${p.message}` : `${where}: ${p.message}`;
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const head = problems.length === 1 ? 'invalid configuration' : `invalid configuration (${problems.length} problems)`;
  return [head, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n');
}

/** Renders a zod-style path as routes[2].match.path */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
