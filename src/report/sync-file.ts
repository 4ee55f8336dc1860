/**
 * Synchronous file writing for the end-of-run reports: small pieces gathered in one reused buffer, and spill files
 * copied through another. Stream copies allocated a buffer per chunk; tens of MB of them, dead but not yet collected,
 * were a large run's peak RSS.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** Calls `chunk` with the bytes of a file, read through `buffer` (the view is only valid during the call). */
export function readChunks(file: string, buffer: Buffer, chunk: (bytes: Buffer) => void): void {
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) chunk(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** Writes a file with synchronous calls, gathering small pieces in one reused 64 KiB buffer. */
export class SyncFileWriter {
  private readonly fd: number;
  private readonly pending = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  text(text: string): void {
    this.bytes(Buffer.from(text, 'utf8'));
  }

  bytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.pending.length) this.flush();
    if (bytes.length >= this.pending.length) {
      this.writeAll(bytes, bytes.length);
      return;
    }
    this.pending.set(bytes, this.used);
    this.used += bytes.length;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    this.writeAll(this.pending, this.used);
    this.used = 0;
  }

  private writeAll(bytes: Uint8Array, length: number): void {
    for (let written = 0; written < length; ) written += writeSync(this.fd, bytes, written, length - written);
  }
}
