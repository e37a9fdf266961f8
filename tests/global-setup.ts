import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT } from './helpers/content.ts';
import { buildSite } from './helpers/site.ts';
import { buildIsCurrent } from '../src/server/build-stamp.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    sampleOutDir: string;
  }
}

// One real build of the sample site, shared by the build and browser tests (reused while the
// sources are unchanged, so a local re-run is quick).
export default function setup(project: TestProject) {
  const outDir = path.join(ROOT, 'tests', '.tmp', 'dist-sample');
  if (!buildIsCurrent(ROOT, outDir)) {
    const { code, output } = buildSite(outDir);
    if (code !== 0) throw new Error(`sample build failed:\n${output}`);
  }
  project.provide('sampleOutDir', outDir);
}
