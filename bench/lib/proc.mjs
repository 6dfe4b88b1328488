// /proc readings of another process (Linux): peak and current RSS, CPU time, and a reset of the peak so one
// long-lived process can report a peak per measured job.
import { readFileSync, writeFileSync } from 'node:fs';

/** VmRSS and VmHWM (peak RSS since start or since the last resetPeakRss) in KiB. */
export function rssKb(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1]);
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0). False when the kernel refuses. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU time of the process in ms (clock ticks of 10 ms). */
export function cpuMs(pid) {
  return cpuTimes(pid).self;
}

/** CPU ms of the process itself and of its children that exited and were waited for (cutime + cstime). */
export function cpuTimes(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return { self: (Number(rest[11]) + Number(rest[12])) * 10, children: (Number(rest[13]) + Number(rest[14])) * 10 };
}

/** The 1-minute load average, for "the machine was loaded" notes next to wall-clock figures. */
export function loadAvg() {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
