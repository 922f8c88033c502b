// Preloaded with `node -r` into a CLI run of the benchmark: writes the process's peak resident memory
// (KB) to the file named by KUBE_NETLINT_RSS_FILE when it exits. The CLI itself runs as a user runs
// it (the launcher, the bundle, Node's default flags); this is the only addition.
import { writeFileSync } from 'node:fs';

const file = process.env['KUBE_NETLINT_RSS_FILE'];
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
