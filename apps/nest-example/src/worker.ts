import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ValidationError } from '@pictor/core';
import { bootstrapWorker } from './worker-bootstrap.js';

try {
  await bootstrapWorker(process.env);
} catch (error) {
  // A bad configuration: its message names the variable; a stack trace would only bury it.
  if (!ValidationError.isInstance(error)) throw error;
  new Logger('Bootstrap').error(error.message);
  process.exitCode = 1;
}
