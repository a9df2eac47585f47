import { checkOptionKeys, optionKeys } from '../../dsl/options.ts';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CheckpointCorruptError, DevitoError } from '../../errors.ts';
import { checkSlot, type CheckpointStorage, type SlotLayout, type StorageCounters } from './storage.ts';

/** Options of `DiskStorage`. */
export interface DiskStorageOptions {
  /** Parent directory; a fresh `revolve-*` directory is made inside it. Default: the OS temp dir. */
  readonly directory?: string;
}

const OPTION_KEYS = optionKeys<DiskStorageOptions>({ directory: true });

const MAGIC = 'DTSCKPT1';
const HEADER_BYTES = 40;
// Header layout (little endian):
//   0  magic (8 ASCII bytes)     8  slot (u32)          12 payload crc32 (u32)
//   16 payload length (f64)      24 write sequence (f64)
//   32 header crc32 of bytes 0…31 (u32)                 36 reserved, zero (u32)

/**
 * Checkpoints as files, one per slot, in a private directory. Each file carries a header with its
 * slot, length, write sequence number and CRC-32 checksums; a load verifies all of them, so a
 * missing, truncated, corrupted or stale file is reported as `CheckpointCorruptError` naming the
 * file, never turned into a silently wrong gradient. Writes go to a temporary file that is then
 * renamed, so a slot's file is always either the old or the new checkpoint in full.
 */
export class DiskStorage implements CheckpointStorage {
  private readonly parent: string;
  private dir = '';
  private staging = new Uint8Array(0);
  private header = new DataView(new ArrayBuffer(0));
  private fullView = new Uint8Array(0);
  private lengths = new Float64Array(0);
  private sequences = new Float64Array(0);
  private paths: string[] = [];
  private tmpPaths: string[] = [];
  private slotBytes = 0;
  private sequence = 0;
  private opened = false;
  private writes = 0;
  private reads = 0;
  private bytesWritten = 0;
  private bytesRead = 0;

  constructor(options: DiskStorageOptions = {}) {
    checkOptionKeys('DiskStorage', options, OPTION_KEYS);
    this.parent = options.directory ?? tmpdir();
  }

  get description(): string {
    return `disk ${this.dir || this.parent}`;
  }

  /** The directory holding this storage's files (empty before `open`). */
  get directory(): string {
    return this.dir;
  }

  /** `slot` → the path of the file that holds it. */
  pathOf(slot: number): string {
    checkSlot(this.description, slot, this.paths.length);
    return this.paths[slot];
  }

  open(layout: SlotLayout): void {
    if (this.opened) throw new DevitoError('DiskStorage.open called twice');
    mkdirSync(this.parent, { recursive: true });
    this.dir = mkdtempSync(join(this.parent, 'revolve-'));
    const { nSlots, slotBytes } = layout;
    // One staging buffer (header + largest payload) serves every write and read.
    this.staging = new Uint8Array(HEADER_BYTES + slotBytes);
    this.header = new DataView(this.staging.buffer, 0, HEADER_BYTES);
    this.fullView = this.staging.subarray(HEADER_BYTES);
    this.lengths = new Float64Array(nSlots).fill(-1);
    this.sequences = new Float64Array(nSlots);
    this.paths = Array.from({ length: nSlots }, (_, slot) => join(this.dir, `slot-${slot}.ckpt`));
    this.tmpPaths = this.paths.map((path) => `${path}.tmp`);
    this.slotBytes = slotBytes;
    this.opened = true;
  }

  write(slot: number, length: number, fill: (dst: Uint8Array) => void): void {
    checkSlot(this.description, slot, this.paths.length);
    if (length > this.slotBytes) throw new DevitoError(`disk: ${length} bytes exceed the slot size ${this.slotBytes}`);
    const payload = length === this.slotBytes ? this.fullView : this.staging.subarray(HEADER_BYTES, HEADER_BYTES + length);
    fill(payload);
    this.sequence += 1;
    this.writeHeader(slot, length, crc32(payload), this.sequence);
    const tmp = this.tmpPaths[slot];
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, this.staging, HEADER_BYTES + length);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.paths[slot]);
    this.lengths[slot] = length;
    this.sequences[slot] = this.sequence;
    this.writes += 1;
    this.bytesWritten += length;
  }

  read(slot: number, drain: (src: Uint8Array) => void): void {
    checkSlot(this.description, slot, this.paths.length);
    const path = this.paths[slot];
    const length = this.lengths[slot];
    if (length < 0) throw new CheckpointCorruptError(`checkpoint file ${path}: slot ${slot} holds no checkpoint`);
    const fail = (why: string): never => {
      throw new CheckpointCorruptError(
        `checkpoint file ${path} is corrupt (${why}); refusing to continue the adjoint with a wrong state`,
      );
    };
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CheckpointCorruptError(
        code === 'ENOENT'
          ? `checkpoint file ${path} is missing; it was deleted while the adjoint needed it`
          : `checkpoint file ${path} cannot be opened (${code ?? String(error)})`,
      );
    }
    try {
      const size = fstatSync(fd).size;
      if (size !== HEADER_BYTES + length) fail(`${size} bytes, expected ${HEADER_BYTES + length}`);
      readAll(fd, this.staging, size, path);
    } finally {
      closeSync(fd);
    }
    const h = this.header;
    for (let i = 0; i < MAGIC.length; i++) if (h.getUint8(i) !== MAGIC.charCodeAt(i)) fail('bad magic');
    if (crc32(this.staging.subarray(0, 32)) !== h.getUint32(32, true)) fail('header checksum mismatch');
    if (h.getUint32(8, true) !== slot) fail(`written for slot ${h.getUint32(8, true)}`);
    if (h.getFloat64(16, true) !== length) fail(`header length ${h.getFloat64(16, true)}, expected ${length}`);
    if (h.getFloat64(24, true) !== this.sequences[slot]) fail('stale: an older checkpoint of this slot');
    const payload = length === this.slotBytes ? this.fullView : this.staging.subarray(HEADER_BYTES, HEADER_BYTES + length);
    if (crc32(payload) !== h.getUint32(12, true)) fail('payload checksum mismatch');
    drain(payload);
    this.reads += 1;
    this.bytesRead += length;
  }

  release(slot: number): void {
    checkSlot(this.description, slot, this.paths.length);
    if (this.lengths[slot] < 0) return;
    this.lengths[slot] = -1;
    // Freeing the file keeps the disk footprint to the checkpoints still needed.
    rmSync(this.paths[slot], { force: true });
  }

  /** Removes this storage's directory; `open` may then start afresh (a new directory), as memory storage can. */
  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
    this.staging = new Uint8Array(0);
    this.fullView = this.staging;
    this.opened = false;
  }

  counters(): StorageCounters {
    const { writes, reads, bytesWritten, bytesRead } = this;
    return { writes, reads, bytesWritten, bytesRead, reservedBytes: 0 };
  }

  private writeHeader(slot: number, length: number, payloadCrc: number, sequence: number): void {
    const h = this.header;
    for (let i = 0; i < MAGIC.length; i++) h.setUint8(i, MAGIC.charCodeAt(i));
    h.setUint32(8, slot, true);
    h.setUint32(12, payloadCrc, true);
    h.setFloat64(16, length, true);
    h.setFloat64(24, sequence, true);
    h.setUint32(32, crc32(this.staging.subarray(0, 32)), true);
    h.setUint32(36, 0, true);
  }
}

function writeAll(fd: number, buffer: Uint8Array, length: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buffer, done, length - done, done);
}

function readAll(fd: number, buffer: Uint8Array, length: number, path: string): void {
  let done = 0;
  while (done < length) {
    const got = readSync(fd, buffer, done, length - done, done);
    if (got === 0) throw new CheckpointCorruptError(`checkpoint file ${path} ended after ${done} of ${length} bytes`);
    done += got;
  }
}
