import { createHash } from 'node:crypto';
import { encodeCbor } from './cbor-encode.js';

/** JUMBF type UUIDs of C2PA (specification 2.2, §11.1.4): a four-character code, then a fixed tail. */
function typeUuid(code: 'c2pa' | 'c2ma' | 'c2as' | 'c2cl' | 'cbor'): Buffer {
  return Buffer.concat([Buffer.from(code, 'latin1'), Buffer.from('00110010800000aa00389b71', 'hex')]);
}

/** An ISO BMFF box: 4-byte big-endian length (header included), 4-character type, payload. */
function box(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/** A JUMBF superbox: a description box (type UUID; toggles 0x03 = label present, requestable; label) and contents. */
function superbox(type: Parameters<typeof typeUuid>[0], label: string, contents: Buffer[]): Buffer {
  const description = box('jumd', Buffer.concat([typeUuid(type), Buffer.from([0x03]), Buffer.from(`${label}\0`)]));
  return box('jumb', Buffer.concat([description, ...contents]));
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** IPTC's term for media made by a trained model, which is what the sandbox stands in for. */
const TRAINED_ALGORITHMIC_MEDIA = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

/** Name the claim gives as its generator. */
export const CLAIM_GENERATOR = 'pictor-sandbox';

/**
 * A C2PA manifest store for one image: one manifest with a `c2pa.actions.v2` assertion ("created", by a trained
 * model) and a v2 claim naming the sandbox as claim generator, in CBOR, the assertion bound by its SHA-256 as
 * c2pa-rs hashes it (the superbox without its 8-byte header). Well-formed JUMBF, but unsigned and without a hard
 * binding to the pixels: a C2PA validator reports it as not valid, as it must for credentials nobody signed.
 * Deterministic: identifiers come from the image's digest.
 */
export function c2paStore(image: Buffer): Buffer {
  const hex = sha256(image).subarray(0, 16).toString('hex');
  // A UUID of version 8 (RFC 9562: custom, here a digest) so equal images get equal identifiers.
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  const actions = superbox('cbor', 'c2pa.actions.v2', [
    box('cbor', encodeCbor({ actions: [{ action: 'c2pa.created', digitalSourceType: TRAINED_ALGORITHMIC_MEDIA }] })),
  ]);
  const claim = encodeCbor({
    instanceID: `xmp:iid:${id}`,
    claim_generator_info: { name: CLAIM_GENERATOR },
    signature: 'self#jumbf=c2pa.signature',
    created_assertions: [{ url: 'self#jumbf=c2pa.assertions/c2pa.actions.v2', hash: sha256(actions.subarray(8)) }],
    alg: 'sha256',
  });
  const manifest = superbox('c2ma', `urn:c2pa:${id}`, [
    superbox('c2as', 'c2pa.assertions', [actions]),
    superbox('c2cl', 'c2pa.claim.v2', [box('cbor', claim)]),
  ]);
  return superbox('c2pa', 'c2pa', [manifest]);
}
