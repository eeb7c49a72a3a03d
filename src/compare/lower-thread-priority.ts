// Lowers the calling thread's scheduling priority, and only that thread's: on Linux a thread has
// its own id and setpriority(PRIO_PROCESS, tid) renices that thread alone. A comparison worker
// runs niced so that, when the machine is short of CPU, the kernel gives the proxy's event loop
// the core first and comparisons get what is left. At equal priority a busy worker took half the
// CPU the loop needed while a route shadowed 250 KB Bundles on a saturated 2-core machine, and
// clinicians' requests waited for comparisons nobody is waiting for. Niced is not starved: at
// niceness 10 CFS still gives the worker ~1/10 of a contended core (weight 110 against 1024), so a
// 20 ms comparison stays far inside the 2 s wall-clock budget (no replacement was logged in the
// bench's shadow runs). Raising one's own niceness needs no privilege; elsewhere (no
// /proc/thread-self) it does nothing.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** True when the thread now runs at `niceness` (0 normal … 19 lowest). */
export function lowerThreadPriority(niceness: number): boolean {
  try {
    // '/proc/thread-self' → '<pid>/task/<tid>', resolved on the calling thread.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
