/**
 * Aspect-ratio presets and the pixel sizes they mean, from Together's dimensions guide
 * (1:1 → 1024×1024, 16:9 → 1344×768, 9:16 → 768×1344, 3:2 → 1248×832, 4:3 → 1184×864) and their inverses.
 */
export const ASPECT_RATIOS = {
  '1:1': { width: 1024, height: 1024 },
  '16:9': { width: 1344, height: 768 },
  '9:16': { width: 768, height: 1344 },
  '3:2': { width: 1248, height: 832 },
  '2:3': { width: 832, height: 1248 },
  '4:3': { width: 1184, height: 864 },
  '3:4': { width: 864, height: 1184 },
} as const satisfies Record<string, { width: number; height: number }>;

export type AspectRatio = keyof typeof ASPECT_RATIOS;

export const ASPECT_RATIO_NAMES = Object.keys(ASPECT_RATIOS) as AspectRatio[];

/** `"1024x768"` → `{ width: 1024, height: 768 }`; undefined when the text is not `WxH`. */
export function parseSize(size: string): { width: number; height: number } | undefined {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(size.trim());
  if (!match) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}
