import { MANIFEST_FILE, readManifest, type ManifestEntry } from '@pictor/core/storage';
import { Command } from 'commander';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CommandContext } from '../command-context.js';
import { displayPath } from '../display-path.js';
import { costJson, formatTotal, formatUsd, sumCosts, knownPart, type CostJson } from '../format-cost.js';
import { manifestWarner } from '../manifest-warnings.js';
import { UsageError } from '../usage-error.js';

const EXAMPLES = `
Examples:
  $ pictor cost                        # ./images/manifest.json
  $ pictor cost ./shots --json

Prints what each generation recorded in the folder's manifest.json cost: from the usage the provider reported, or
estimated from Pictor's price table when the images were made. An entry without a recorded cost (a model with no
price, or a manifest written before Pictor recorded costs) is "unknown", never counted as $0.`;

const PROMPT_WIDTH = 60;

/** One line of a prompt, shortened: a manifest's text is someone else's. */
function oneLine(text: string, max = PROMPT_WIDTH): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function entryCost(entry: ManifestEntry): CostJson {
  return costJson(entry.cost ? { usd: entry.cost.usd, basis: entry.cost.basis } : undefined);
}

async function costReport(dir: string, flags: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const { term } = ctx;
  ctx.errorContext.json = flags.json;
  const folder = resolve(dir);
  const present = await access(join(folder, MANIFEST_FILE)).then(
    () => true,
    () => false,
  );
  if (!present) throw new UsageError(`${dir} has no ${MANIFEST_FILE}: nothing pictor made is recorded there`);
  const manifest = await readManifest(folder, { onWarning: manifestWarner(term) });
  const rows = manifest.entries.map((entry) => ({ entry, cost: entryCost(entry) }));
  const costs = rows.map((row) => row.cost);
  const images = rows.reduce((n, row) => n + row.entry.images.length, 0);

  if (flags.json) {
    const known = knownPart(costs);
    term.json({
      manifestPath: join(folder, MANIFEST_FILE),
      entries: rows.map(({ entry, cost }) => ({
        key: entry.key,
        prompt: entry.prompt,
        provider: entry.provider,
        model: entry.model,
        operation: entry.operation ?? 'generate',
        createdAt: entry.createdAt,
        images: entry.images.length,
        cost,
      })),
      total: { ...sumCosts(costs), knownUsd: known.usd, unknownEntries: known.unknown, images, entries: rows.length },
    });
    return 0;
  }

  // Every field is cleaned before it is measured, so the columns line up with what is printed.
  const table = rows.map(({ entry, cost }) => [
    cost.usd === null ? 'unknown' : formatUsd(cost.usd),
    cost.basis,
    String(entry.images.length),
    term.clean(oneLine(entry.model, 48)),
    term.clean(oneLine(entry.prompt)),
  ]);
  const header = ['cost', 'basis', 'images', 'model', 'prompt'];
  const widths = header.map((title, i) => Math.max(title.length, ...table.map((row) => row[i]!.length)));
  for (const row of [header, ...table]) {
    term.out(
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    );
  }
  const entries = `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}`;
  term.out(
    `total: ${formatTotal(costs, ['entry', 'entries'])} for ${images} image${images === 1 ? '' : 's'} in ${entries}`,
  );
  term.info(`from ${displayPath(join(folder, MANIFEST_FILE))}`);
  return 0;
}

export function costCommand(ctx: CommandContext): Command {
  return new Command('cost')
    .description('what the images in a folder cost, from its manifest.json')
    .argument('[dir]', 'folder holding manifest.json', './images')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, flags: { json?: boolean }) => {
      ctx.exitCode = await costReport(dir, flags, ctx);
    });
}
