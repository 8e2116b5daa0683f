import { main } from './main.js';

// Setting exitCode (not calling exit) lets stdout drain when it is a pipe.
process.exitCode = await main(process.argv);
