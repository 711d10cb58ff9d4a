import 'reflect-metadata';
import type { DatabaseDialect } from '../../src/config';
import { createOrm } from '../../src/db/orm';
import { runImport } from '../../src/modules/reference/import/runner';
import { NcciPtpImporter } from '../../src/modules/reference/importers/ncci-ptp';
import { EditSetting } from '../../src/modules/reference/reference.entities';

/**
 * Imports one PTP file in a process of its own, so the benchmark can read this process's peak
 * resident memory. Usage: node ptp-import-child.js <sqlite|postgresql> <url> <file> <effective>.
 * Prints one JSON line.
 */
async function main(): Promise<void> {
  const [dialect, url, file, effective] = process.argv.slice(2) as [DatabaseDialect, string, string, string];
  const orm = await createOrm({ dialect, url });
  const rssBefore = process.memoryUsage().rss;
  let sampledPeak = rssBefore;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 50);
  try {
    const started = process.hrtime.bigint();
    const result = await runImport(orm.em.fork(), new NcciPtpImporter(), file, { actor: 'bench', setting: EditSetting.PRACTITIONER, effectiveFrom: effective });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    process.stdout.write(
      `${JSON.stringify({
        seconds,
        rowsRead: result.rowsRead,
        counts: result.counts,
        // resourceUsage().maxRSS is in kilobytes: the true peak of this process.
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        sampledPeakMb: sampledPeak / 1048576,
        rssAfterOrmInitMb: rssBefore / 1048576,
      })}\n`,
    );
  } finally {
    clearInterval(sampler);
    await orm.close(true);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
