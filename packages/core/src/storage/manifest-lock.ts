import lockfile from 'proper-lockfile';
import { join } from 'node:path';

/** The lock folder `updateManifest` holds while it rewrites a folder's manifest. */
export const MANIFEST_LOCK = 'manifest.json.lock';

/**
 * Runs `change` holding the folder's manifest lock, which every process on every machine sharing the folder takes
 * (proper-lockfile: a `manifest.json.lock` folder made with mkdir, atomic on local disks and NFS alike; a holder
 * that dies leaves a lock that goes stale after 10 s without its heartbeat, which a live holder renews every 5 s).
 */
export async function withManifestLock<T>(dir: string, change: () => Promise<T>): Promise<T> {
  let compromised: Error | undefined;
  const release = await lockfile.lock(join(dir, 'manifest.json'), {
    lockfilePath: join(dir, MANIFEST_LOCK),
    realpath: false,
    // A worker killed while saving holds up every other for this long; a live holder renews it every 5 s.
    stale: 10_000,
    // Held for one read and one write: waiting up to about a minute covers many workers saving at once.
    retries: { retries: 600, minTimeout: 5, maxTimeout: 100, randomize: true },
    // The default throws out of a timer and ends the process; this fails the one change instead.
    onCompromised: (error) => {
      compromised = error;
    },
  });
  try {
    const result = await change();
    if (compromised) throw compromised;
    return result;
  } finally {
    await release().catch(() => {});
  }
}
