import * as core from '@actions/core';
import { stripControl } from '@pictor/core';

// U+200B: invisible in the log, not blank to the runner (whose command parser trims only blanks), so it breaks
// a command without changing what a reader sees.
const ZERO_WIDTH_SPACE = '\u200B';

/**
 * `text` as the Action may log it: no escape sequence or control character (a lone CR would start a new line for
 * the runner), no line the runner would take as a workflow command (`::…::` at a line start, after blanks), and no
 * legacy `##[…]` command anywhere. Prompts, file names and provider messages are someone else's text.
 */
export function neutralise(text: string): string {
  return stripControl(text)
    .split('\n')
    .map((line) => line.replace(/^(\s*):(?=:)/, `$1:${ZERO_WIDTH_SPACE}`).replaceAll('##[', `#${ZERO_WIDTH_SPACE}#[`))
    .join('\n');
}

/** Every line the Action writes to the log goes through these. */
export const log = {
  info: (message: string): void => core.info(neutralise(message)),
  warning: (message: string): void => core.warning(neutralise(message)),
  startGroup: (name: string): void => core.startGroup(neutralise(name)),
  endGroup: (): void => core.endGroup(),
  debug: (message: string): void => core.debug(neutralise(message)),
  fail: (message: string): void => core.setFailed(neutralise(message)),
};
