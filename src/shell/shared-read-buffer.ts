/**
 * The one read buffer behind every socket that reads with net `onread` (monitor links and
 * accepted client connections). Node calls `onread` callbacks synchronously on the one thread
 * and every callback copies what it keeps before returning, so one buffer serves them all.
 */
const READ_BUFFER_SIZE = 64 * 1024;
let readBuffer: Buffer | null = null;

export function sharedReadBuffer(): Buffer {
  readBuffer ??= Buffer.allocUnsafe(READ_BUFFER_SIZE);
  return readBuffer;
}
