// The parse worker's entry (#22): runs in a worker thread started by pool.ts, takes batches of files
// and answers with their results by structured clone. Measured against v8.serialize into a
// transferred buffer and v8.deserialize on the main thread, structured clone cost the main thread
// about half as much (event-loop active time, 10k generated documents), and it is the main thread's
// time that bounds the speed-up.
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseLimits } from './parse';
import { runJob, type JobResult, type ParseJob } from './parse-job';

export interface WorkerRequest {
  id: number;
  jobs: ParseJob[];
}

export interface WorkerReply {
  id: number;
  results: JobResult[];
}

const port = parentPort;
if (port) {
  const { limits } = workerData as { limits: ParseLimits };
  port.on('message', (req: WorkerRequest) => {
    const reply: WorkerReply = { id: req.id, results: req.jobs.map((job) => runJob(job, limits)) };
    port.postMessage(reply);
  });
}
