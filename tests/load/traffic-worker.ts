// The traffic's thread (traffic.ts runTrafficOnThread): runs runTraffic over the options it was
// given, stops starting requests when told `stop`, and answers its figures with the CPU its own
// thread used. Must stay true: it only sends requests and counts answers; it never touches the
// registry's state or the database.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { TrafficOptions, WorkerAnswer } from './traffic.ts';
import { runTraffic } from './traffic.ts';

/** User + system CPU seconds of this thread (Linux; 0 elsewhere). */
function threadCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15, in USER_HZ ticks (100 a second).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

let stopped = false;
parentPort!.on('message', (message) => {
  if (message === 'stop') stopped = true;
});
const before = threadCpuSeconds();
const result = await runTraffic(workerData as TrafficOptions, () => stopped);
const answer: WorkerAnswer = { result, threadCpuSeconds: threadCpuSeconds() - before };
parentPort!.postMessage(answer);
