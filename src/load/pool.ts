// A pool of parse workers (#22): worker threads that read and parse batches of files while the main
// thread takes their results in discovery order. A worker that cannot start, throws or exits fails
// only its batches: the caller parses those files itself, so a broken worker never breaks a run.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParseLimits } from './parse';
import type { JobResult, ParseJob } from './parse-job';
import type { WorkerReply, WorkerRequest } from './parse-worker';

/** Batches in flight per worker: one being parsed, one waiting, so a worker never idles on a round trip. */
const IN_FLIGHT = 2;

/**
 * The worker's script: next to the bundled CLI (dist/src/parse-worker.bundle.js, one file to load),
 * else the compiled sources' (dist/src/load/parse-worker.js). A build without either (the Action's
 * single-file bundle) has no workers and parses on the main thread.
 */
export function defaultWorkerScript(): string | undefined {
  for (const file of [
    path.join(__dirname, 'parse-worker.bundle.js'),
    path.join(__dirname, 'parse-worker.js'),
  ])
    if (existsSync(file)) return file;
  return undefined;
}

interface Task {
  id: number;
  jobs: ParseJob[];
  resolve: (results: JobResult[]) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  inflight: Map<number, Task>;
}

export class ParsePool {
  private readonly live = new Set<Slot>();
  private queue: Task[] = [];
  private nextId = 0;
  private closed = false;
  /** Batches a worker failed (the benchmark and tests read it). */
  failures = 0;

  constructor(size: number, script: string, limits: ParseLimits) {
    for (let i = 0; i < size; i++) this.spawn(script, limits);
  }

  get size(): number {
    return this.live.size;
  }

  private spawn(script: string, limits: ParseLimits): void {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: { limits } });
    } catch {
      return; // cannot start: the others (or the main thread) do its share
    }
    const slot: Slot = { worker, inflight: new Map() };
    this.live.add(slot);
    worker.on('message', (reply: WorkerReply) => {
      const task = slot.inflight.get(reply.id);
      if (!task) return;
      slot.inflight.delete(reply.id);
      task.resolve(reply.results);
      this.feed(slot);
    });
    const fail = (e: unknown): void => {
      if (!this.live.delete(slot)) return;
      for (const task of slot.inflight.values()) {
        this.failures++;
        task.reject(e);
      }
      slot.inflight.clear();
      if (this.live.size === 0) {
        for (const task of this.queue) {
          this.failures++;
          task.reject(e);
        }
        this.queue = [];
      } else for (const other of this.live) this.feed(other);
      void worker.terminate();
    };
    worker.on('error', fail);
    worker.on('messageerror', fail);
    worker.on('exit', (code) => fail(new Error(`parse worker exited with code ${code}`)));
  }

  /** Parses a batch; rejects when the worker doing it fails (or none is left). */
  run(jobs: ParseJob[]): Promise<JobResult[]> {
    return new Promise((resolve, reject) => {
      if (this.closed || this.live.size === 0) {
        reject(new Error('no parse worker'));
        return;
      }
      this.queue.push({ id: this.nextId++, jobs, resolve, reject });
      for (const slot of this.live) this.feed(slot);
    });
  }

  private feed(slot: Slot): void {
    while (slot.inflight.size < IN_FLIGHT && this.queue.length > 0) {
      const task = this.queue.shift() as Task;
      slot.inflight.set(task.id, task);
      const req: WorkerRequest = { id: task.id, jobs: task.jobs };
      try {
        slot.worker.postMessage(req);
      } catch (e) {
        slot.inflight.delete(task.id);
        this.failures++;
        task.reject(e);
      }
    }
  }

  /** Stops the workers; whatever is still queued is rejected. */
  close(): void {
    this.closed = true;
    const slots = [...this.live];
    this.live.clear();
    for (const task of this.queue) task.reject(new Error('parse pool closed'));
    this.queue = [];
    for (const slot of slots) void slot.worker.terminate();
  }
}
