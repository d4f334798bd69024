// Preloaded with `node --import ./bench/rusage.mjs ...` by bench/speed.mjs: when the process exits,
// writes its CPU time and peak RSS (getrusage, whole process including worker threads) as JSON to
// the file named by SPEED_RUSAGE_FILE. No effect without that variable.
import { writeFileSync } from 'node:fs';

const out = process.env.SPEED_RUSAGE_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRssKb: u.maxRSS }));
  });
}
