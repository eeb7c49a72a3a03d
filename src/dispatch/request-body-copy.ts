// The copy of a request body that a replay on legacy or a mirror copy reads, taken once and shared.
//
// Why it is deferred: the copy's 'data' listener must go on only after the primary upstream request
// exists, so the primary's pipe is the first consumer of every chunk (a listener added earlier
// switches the body into flowing mode with nobody forwarding it yet). The plan-copies pass asks for
// the copy before dispatch; until the dispatch pass calls primarySent(), take() hands out a promise
// that starts the tee right after. (This ordering once also kept the first chunk from rendering the
// upstream headers before Ficus had rewritten them; forward.ts now rewrites them at creation.)
import type { IncomingMessage } from 'node:http';
import { teeRequestBody, type TeedBody } from './body-tee.ts';

export class RequestBodyCopy {
  readonly #req: IncomingMessage;
  readonly #capBytes: number;
  #teed: Promise<TeedBody> | undefined = undefined;
  #start: (() => void) | undefined = undefined;
  #primarySent = false;

  constructor(req: IncomingMessage, capBytes: number) {
    this.#req = req;
    this.#capBytes = capBytes;
  }

  /** The body up to the cap (bytes undefined when over it or cut short); the first call starts keeping it. */
  take(): Promise<TeedBody> {
    return (this.#teed ??= this.#primarySent
      ? teeRequestBody(this.#req, this.#capBytes)
      : new Promise<TeedBody>((resolve) => (this.#start = () => resolve(teeRequestBody(this.#req, this.#capBytes)))));
  }

  /** The copy if anyone asked for it: a replay of a request whose body nobody kept has none to send. */
  taken(): Promise<TeedBody> | undefined {
    return this.#teed;
  }

  /** The primary upstream request exists: a copy asked for before now starts reading. */
  primarySent(): void {
    this.#primarySent = true;
    this.#start?.();
    this.#start = undefined;
  }
}
