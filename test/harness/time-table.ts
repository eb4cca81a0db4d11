// A reporter that prints, after the run, each test file's time (slowest first), the number of tests, and
// the run's wall time: the suite's time is a figure the project owns (README, Tests), and this is where it
// is read.
import type { Reporter, TestModule } from 'vitest/node';

export default class TimeTable implements Reporter {
  private started = Date.now();

  onTestRunStart(): void {
    this.started = Date.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((m) => {
        const d = m.diagnostic();
        // A file's own time: importing it, its setup and its tests (files may overlap in a parallel run).
        return {
          file: m.relativeModuleId,
          ms: d.collectDuration + d.setupDuration + d.duration,
          tests: [...m.children.allTests()].length,
        };
      })
      .sort((a, b) => b.ms - a.ms);
    const width = Math.max(...rows.map((r) => r.file.length), 4);
    const lines = rows.map(
      (r) =>
        `${r.file.padEnd(width)}  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${String(r.tests).padStart(4)} tests`,
    );
    const tests = rows.reduce((n, r) => n + r.tests, 0);
    const summed = rows.reduce((n, r) => n + r.ms, 0);
    process.stdout.write(
      [
        '',
        'time per file (slowest first)',
        ...lines,
        `${rows.length} files, ${tests} tests: ${(summed / 1000).toFixed(0)} s of file time in ${((Date.now() - this.started) / 1000).toFixed(0)} s of wall time`,
        '',
      ].join('\n'),
    );
  }
}
