/**
 * Host id sets as Redis bitstrings (Fleet's `livequery:<id>` layout): bit offset = host
 * id, offset 0 is the most significant bit of byte 0, length maxId/8 + 1 bytes.
 */
export function encodeHostBits(hostIds: readonly number[]): Buffer {
  let max = -1;
  for (const h of hostIds) if (h > max) max = h;
  const bits = Buffer.alloc(max < 0 ? 0 : (max >>> 3) + 1);
  for (const h of hostIds) bits[h >>> 3]! |= 0x80 >>> (h & 7);
  return bits;
}

export function decodeHostBits(bits: Uint8Array): number[] {
  const ids: number[] = [];
  for (let i = 0; i < bits.length; i++) {
    const byte = bits[i]!;
    if (byte === 0) continue;
    for (let b = 0; b < 8; b++) if (byte & (0x80 >>> b)) ids.push(i * 8 + b);
  }
  return ids;
}
