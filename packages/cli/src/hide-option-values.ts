/**
 * commander's `unknown option '--api-key=sk-…'` repeats what was typed, a key included: keep the option's name
 * and hide what was attached to it (`--api-key=…`, `-K…`), and say where a key goes instead.
 */
export function hideOptionValues(text: string): string {
  return text.replace(
    /unknown option '(--[^=']+|-[^-'])([^']*)'(.*)$/s,
    (_whole, name: string, attached: string, rest: string) => {
      const shown = attached ? `${name}${attached.startsWith('=') ? '=' : ''}…` : name;
      const hint = /api-?key|token|secret/i.test(name)
        ? ' (keys are read from the environment, or from stdin with --api-key-stdin)'
        : '';
      return `unknown option '${shown}'${rest}${hint}`;
    },
  );
}
