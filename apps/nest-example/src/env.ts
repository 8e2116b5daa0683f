/** The process environment the app is configured from (`process.env`, or a test's own). */
export type Env = Record<string, string | undefined>;
