/** A mistake on the command line or in the environment that the user can fix; exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
