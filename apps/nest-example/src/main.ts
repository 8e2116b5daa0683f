import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ValidationError } from '@pictor/core';
import { bootstrap } from './bootstrap.js';

try {
  await bootstrap(process.env);
} catch (error) {
  // A configuration the app refuses before Nest starts (HOST without APP_API_KEY, a bad PORT): its message says
  // what to change; a stack trace would only bury it.
  if (!ValidationError.isInstance(error)) throw error;
  new Logger('Bootstrap').error(error.message);
  process.exitCode = 1;
}
