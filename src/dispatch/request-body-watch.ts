// The request-body idle timeout: a client that stops sending its body gets 408 (RFC 9110 §15.5.9)
// instead of holding an upstream connection for as long as it likes. It measures only the client:
// while Ficus itself is not reading (the upstream applies backpressure, the stream is paused), the
// wait is not the client's and the timer is re-armed.
import type { IncomingMessage } from 'node:http';

/** Calls `onIdle` once if no body byte arrives for `idleMs`; returns a function that stops watching. */
export function watchRequestBody(req: IncomingMessage, idleMs: number, onIdle: () => void): () => void {
  if (req.complete || req.readableEnded) return () => {};
  const timer = setTimeout(function check() {
    if (req.readableFlowing === false) {
      timer.refresh();
      return;
    }
    stop();
    onIdle();
  }, idleMs);
  // refresh() re-arms the same timer: no allocation per chunk of a 300 MB upload.
  const onData = () => timer.refresh();
  const stop = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', stop);
    req.off('close', stop);
  };
  // A 'data' listener does not resume a stream paused by backpressure (flowing === false stays).
  req.on('data', onData);
  req.once('end', stop);
  req.once('close', stop);
  return stop;
}
