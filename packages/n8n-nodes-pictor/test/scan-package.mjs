// `node test/scan-package.mjs <dir> source|tarball`: the lint legs of n8n's verification scanner on a folder,
// printed as JSON. Run as its own process: inside vitest's module loader some n8n-nodes-base rules misread the
// file names they check.
import process from 'node:process';
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const [dir, leg] = process.argv.slice(2);
const result = await analyzePackage(dir, leg === 'source' ? SOURCE_FILE_PATTERNS : ['**/*.js', 'package.json']);
process.stdout.write(JSON.stringify({ passed: result.passed, details: result.details ?? result.message ?? '' }));
