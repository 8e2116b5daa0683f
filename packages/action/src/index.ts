// The entry point the runner executes (bundled into dist/index.js). `run()` lives in main.ts so tests and
// @github/local-action can call it without running it twice.
import { run } from './main.js';

void run();
