/** Worker thread body: parses a share of the files (see parallel-parse.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { parseManifestText } from './parse.js';

interface Job {
  files: Array<{ file: string; text: string }>;
  vars: Array<[string, string]>;
  defaultRegion: string;
}

const job = workerData as Job;
const ctx = { vars: new Map(job.vars), defaultRegion: job.defaultRegion };
parentPort!.postMessage(job.files.map((f) => parseManifestText(f.file, f.text, ctx)));
