// The peak resident memory (VmHWM) of Chromium's renderer processes, where the page and its
// workers run: read from /proc (Linux), largest of them, in bytes; 0 where /proc is not there.
import { readdirSync, readFileSync } from 'node:fs';

export function rendererPeakBytes() {
  let peak = 0;
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {
      // The process ended while we looked.
    }
  }
  return peak;
}
