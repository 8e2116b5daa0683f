import { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { displayPath } from '../display-path.js';
import { writeGallery } from '../gallery/write-gallery.js';
import { manifestWarner } from '../manifest-warnings.js';

const EXAMPLES = `
Examples:
  $ pictor gallery                     # ./images/index.html
  $ pictor gallery ./shots --title "Moodboard"
  $ pictor gallery ./shots --embed     # one file with the images inside, to send around

The page is one self-contained HTML file (inline CSS, no script, a Content-Security-Policy allowing none) beside
manifest.json: a card per image with its prompt, seed, model, size and file name. Images are linked by relative
path, or embedded with --embed; only files directly in the folder are shown (a manifest entry naming a path
elsewhere is left out, with a warning).
generate and batch write it too with --gallery.`;

export function galleryCommand(ctx: CommandContext): Command {
  return new Command('gallery')
    .description('write index.html, a contact sheet of a folder of generated images')
    .argument('[dir]', 'folder holding manifest.json', './images')
    .option('--title <text>', "page title (default: the folder's name)")
    .option('--embed', 'embed the images as data URIs instead of linking the files')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, flags: { title?: string; embed?: boolean; json?: boolean }) => {
      const { term } = ctx;
      ctx.errorContext.json = flags.json;
      const result = await writeGallery(dir, {
        ...(flags.title ? { title: flags.title } : {}),
        embed: flags.embed === true,
        onWarning: manifestWarner(term),
      });
      for (const file of result.missing) term.warn(`${file} is in the manifest but not in the folder`);
      if (flags.json) term.json(result);
      else {
        term.out(displayPath(result.path));
        term.info(
          `Wrote a gallery of ${result.images} image${result.images === 1 ? '' : 's'}: open ${displayPath(result.path)} in a browser`,
        );
      }
    });
}
