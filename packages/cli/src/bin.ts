// Checked before anything else loads: on an older Node the dependencies fail with a confusing stack trace.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`pictor: error: pictor needs Node.js 22 or newer; this is ${process.version}\n`);
  process.exitCode = 1;
} else {
  const { main } = await import('./main.js');
  // Setting exitCode (not calling exit) lets stdout drain when it is a pipe.
  process.exitCode = await main(process.argv);
}
